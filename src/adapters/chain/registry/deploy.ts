import type { Address } from '../../../core/anchor/AnchorChain.ts';

/**
 * Deploys the TabnodeRegistry contract on the chain at `rpcUrl`, from the node's first
 * unlocked account (a dev chain such as Hardhat's) or from `privateKey`. Placeholder until the
 * registry lands; the signature is fixed.
 */
export async function deployRegistry(_args: { rpcUrl: string; privateKey?: `0x${string}` }): Promise<{ address: Address; chainId: number; gasUsed: bigint }> {
  throw new Error('deployRegistry: the registry contract is not built yet');
}
