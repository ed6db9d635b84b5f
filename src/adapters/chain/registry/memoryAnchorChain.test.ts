import { anchorChainContract } from './anchorChainContract.ts';
import { memoryAnchorChain } from './memoryAnchorChain.ts';

const ACCOUNTS = ['0x1111111111111111111111111111111111111111', '0x2222222222222222222222222222222222222222', '0x3333333333333333333333333333333333333333', '0x4444444444444444444444444444444444444444'] as const;

anchorChainContract('memory double', async () => {
  const chain = memoryAnchorChain();
  return { chain, writer: (i) => chain.writer(ACCOUNTS[i]!) };
});
