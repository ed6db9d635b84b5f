import type { Address } from '../../../core/anchor/AnchorChain.ts';
import { lowerAddress } from './registryKey.ts';

/** Deploying the registry failed: no account to pay, or the creation transaction failed. */
export class RegistryDeployError extends Error {
  override readonly name = 'RegistryDeployError';
}

/**
 * Deploys the TabnodeRegistry contract on the chain at `rpcUrl`, from the node's first
 * unlocked account (a dev chain such as Hardhat's) or from `privateKey`.
 */
export async function deployRegistry(args: { rpcUrl: string; privateKey?: `0x${string}` }): Promise<{ address: Address; chainId: number; gasUsed: bigint }> {
  const [{ createPublicClient, createWalletClient, http }, { privateKeyToAccount }, { registryAbi, registryBytecode }] = await Promise.all([
    import('viem'),
    import('viem/accounts'),
    import('./artifact.ts'),
  ]);
  const transport = http(args.rpcUrl, { retryCount: 0 });
  const client = createPublicClient({ transport });
  const chainId = await client.getChainId();
  let account: Address | ReturnType<typeof privateKeyToAccount>;
  if (args.privateKey) account = privateKeyToAccount(args.privateKey);
  else {
    const [first] = await createWalletClient({ transport }).getAddresses();
    if (!first) throw new RegistryDeployError(`the node at ${args.rpcUrl} has no unlocked account: pass a funded privateKey to deploy from`);
    account = first;
  }
  const wallet = createWalletClient({ account, transport });
  const hash = await wallet.deployContract({ abi: registryAbi, bytecode: registryBytecode, chain: null });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new RegistryDeployError(`deploying TabnodeRegistry failed (tx ${hash}, ${receipt.status})`);
  return { address: lowerAddress(receipt.contractAddress), chainId, gasUsed: receipt.gasUsed };
}
