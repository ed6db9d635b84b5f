// Worker threads do not get tsx's loader from the main thread (Node 20): register it here,
// then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
