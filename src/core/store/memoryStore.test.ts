import { memoryStore } from './memoryStore.ts';
import { storeContract } from './storeContract.ts';

storeContract('memory', async () => memoryStore());
