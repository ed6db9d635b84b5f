// POST /chain/faucet {address}: a dev faucet for the embedded local chain only. It sends a
// fixed amount from one of the node's unlocked test accounts, so a wallet the user connects
// can pay for anchors at once. Never built for a remote RPC (chainService.ts refuses it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientBuckets } from './clientBuckets.ts';
import { sendJson } from './httpBody.ts';
import { sameOriginJsonPost, withinLimit } from './sameOriginJsonPost.ts';
import { devPayer } from './devPayer.ts';
import { rpcCall, RpcCallError, RpcUpstreamError } from './rpcClient.ts';

export interface FaucetOptions {
  /** The local node's JSON-RPC URL (it must have unlocked accounts, as Hardhat's node does). */
  rpcUrl: string;
  /** Sent per request, in wei. Default 10 ETH. */
  amountWei?: bigint;
  /** Requests one client address (IPv6: its /64) may make at once. Default 5. */
  burstPerIp?: number;
  /** Then one request per this many seconds. Default 12 (5 a minute). */
  secondsPerRequest?: number;
}

export const DEFAULT_FAUCET = { amountWei: 10n * 10n ** 18n, burstPerIp: 5, secondsPerRequest: 12 } as const;
/** The body is `{"address":"0x…"}`; anything much longer is not a faucet request. */
const MAX_BODY_BYTES = 1024;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export interface FaucetReceipt {
  address: `0x${string}`;
  /** Decimal string (JSON has no bigint). */
  amountWei: string;
  txHash: `0x${string}`;
}

export function createFaucet(options: FaucetOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const amountWei = options.amountWei ?? DEFAULT_FAUCET.amountWei;
  const limit = { burst: options.burstPerIp ?? DEFAULT_FAUCET.burstPerIp, perSecond: 1 / (options.secondsPerRequest ?? DEFAULT_FAUCET.secondsPerRequest) };
  const buckets = clientBuckets(limit);
  const funderAccount = devPayer(options.rpcUrl);

  return async (req, res) => {
    const body = await sameOriginJsonPost(req, res, { what: 'the faucet', example: '{"address":"0x…"}', maxBytes: MAX_BODY_BYTES });
    if (body === undefined) return;
    const address = typeof body?.address === 'string' ? body.address : '';
    if (!ADDRESS.test(address)) {
      sendJson(res, 400, { error: 'address must be 0x followed by 40 hex digits (an Ethereum account)' });
      return;
    }

    if (!withinLimit(req, res, buckets, limit, 'faucet')) return;

    try {
      const from = await funderAccount();
      const to = address.toLowerCase() as `0x${string}`;
      const txHash = await rpcCall<`0x${string}`>(options.rpcUrl, 'eth_sendTransaction', [{ from, to, value: `0x${amountWei.toString(16)}` }]);
      const receipt: FaucetReceipt = { address: to, amountWei: amountWei.toString(), txHash };
      sendJson(res, 200, receipt);
    } catch (e) {
      if (!(e instanceof RpcUpstreamError || e instanceof RpcCallError)) throw e;
      sendJson(res, 502, { error: `the faucet could not pay: ${e.message}` });
    }
  };
}
