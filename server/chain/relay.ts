// POST /chain/relay {data}: a dev relayer for the embedded local chain (and loopback dev
// chains with a faucet). It sends one of the registry's `…BySig` calls from an unlocked
// account and pays for it, so an admin whose wallet has no ETH can anchor with a signature
// (EIP-712). The signature is the authority: the contract checks it, and the relayer can only
// send what was signed, once, before its deadline. Anything but a …BySig call is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toFunctionSelector, type AbiFunction } from 'viem';
import { registryAbi } from '../../src/adapters/chain/registry/artifact.ts';
import { clientBuckets } from './clientBuckets.ts';
import { devPayer } from './devPayer.ts';
import { sendJson } from './httpBody.ts';
import { sameOriginJsonPost, withinLimit } from './sameOriginJsonPost.ts';
import { rpcCall, RpcCallError, RpcUpstreamError } from './rpcClient.ts';

export interface RelayOptions {
  rpcUrl: string;
  registry: `0x${string}`;
  /** Requests one client address may make at once. Default 30. */
  burstPerIp?: number;
  /** Then one request per this many seconds. Default 2. */
  secondsPerRequest?: number;
}

export const DEFAULT_RELAY = { burstPerIp: 30, secondsPerRequest: 2 } as const;
/** The largest …BySig call (a register with a few admins and a contract-account signature) fits easily. */
export const MAX_RELAY_BODY_BYTES = 8192;

/** The 4-byte selectors of the registry's relayed (…BySig) functions. */
export const RELAYED_SELECTORS: ReadonlySet<string> = new Set(
  (registryAbi as readonly { type: string; name?: string }[])
    .filter((item) => item.type === 'function' && item.name?.endsWith('BySig'))
    .map((f) => toFunctionSelector(f as AbiFunction)),
);

export interface RelayReceipt {
  txHash: `0x${string}`;
  relayer: `0x${string}`;
}

export function createRelay(options: RelayOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = { burst: options.burstPerIp ?? DEFAULT_RELAY.burstPerIp, perSecond: 1 / (options.secondsPerRequest ?? DEFAULT_RELAY.secondsPerRequest) };
  const buckets = clientBuckets(limit);
  const payer = devPayer(options.rpcUrl);
  return async (req, res) => {
    const body = await sameOriginJsonPost(req, res, { what: 'the relayer', example: '{"data":"0x…"} (a registry …BySig call)', maxBytes: MAX_RELAY_BODY_BYTES });
    if (body === undefined) return;
    const data = typeof body?.data === 'string' ? body.data : '';
    if (!/^0x([0-9a-fA-F]{2}){4,}$/.test(data)) {
      sendJson(res, 400, { error: 'data must be 0x-hex calldata (a registry …BySig call)' });
      return;
    }
    if (!RELAYED_SELECTORS.has(data.slice(0, 10).toLowerCase())) {
      sendJson(res, 400, { error: 'the relayer only sends the registry’s signed (…BySig) calls: the signature, not the relayer, is the authority' });
      return;
    }
    if (!withinLimit(req, res, buckets, limit, 'relayer')) return;
    try {
      const from = await payer();
      const txHash = await rpcCall<`0x${string}`>(options.rpcUrl, 'eth_sendTransaction', [{ from, to: options.registry, data }]);
      const receipt: RelayReceipt = { txHash, relayer: from };
      sendJson(res, 200, receipt);
    } catch (e) {
      if (!(e instanceof RpcUpstreamError || e instanceof RpcCallError)) throw e;
      // A revert (bad signature, stale seq, expired) is the caller's to read: 422 with the chain's words.
      sendJson(res, e instanceof RpcCallError ? 422 : 502, { error: `the relayer could not send it: ${e.message}` });
    }
  };
}
