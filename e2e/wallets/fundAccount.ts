/*
 * Gives a wallet double's fresh key something to pay gas with on a local dev chain (Hardhat's
 * node): a real transfer from one of the node's unlocked accounts (viem, `eth_sendTransaction`
 * without a key: the node signs), waited for until mined. Runs in Node and in a page.
 */
import { createPublicClient, createWalletClient, http, parseEther } from 'viem';

type Hex = `0x${string}`;

export async function fundAccount(rpcUrl: string, to: Hex, value: bigint = parseEther('10')): Promise<Hex> {
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ transport });
  const [funder] = await wallet.getAddresses();
  if (!funder) throw new Error(`the chain at ${rpcUrl} has no unlocked account to fund ${to} from (is it Hardhat's node?)`);
  const chainId = await publicClient.getChainId();
  const chain = { id: chainId, name: 'dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const hash = await wallet.sendTransaction({ account: funder, to, value, chain });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success') throw new Error(`funding ${to} failed in tx ${hash}`);
  return hash;
}
