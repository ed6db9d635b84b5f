// The account that pays for the dev faucet and the dev relayer: the last unlocked account of
// a local node (the first deploys the registry and is what tests use). Asked once, and again
// after a failure.
import { rpcCall, RpcUpstreamError } from './rpcClient.ts';

export function devPayer(rpcUrl: string): () => Promise<`0x${string}`> {
  let payer: Promise<`0x${string}`> | undefined;
  return () => {
    payer ??= rpcCall<`0x${string}`[]>(rpcUrl, 'eth_accounts').then((accounts) => {
      const last = accounts.at(-1);
      if (!last) throw new RpcUpstreamError('the local chain has no unlocked account to pay from');
      return last.toLowerCase() as `0x${string}`;
    });
    payer.catch(() => (payer = undefined));
    return payer;
  };
}
