import { inlineBatchVerifier } from './batchVerifier.ts';
import { batchVerifierContract } from './batchVerifierContract.ts';

batchVerifierContract('inline', () => inlineBatchVerifier);
