// POST /chain: the app's JSON-RPC endpoint, forwarded to the chain's RPC (the embedded
// Hardhat node or the operator's network). Only reads and raw signed transactions pass:
// the browser's wallet signs, so nothing here may sign or send with the node's own
// (unlocked) accounts, and nothing may change the node itself (hardhat_*, evm_*, debug_*).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientBuckets } from './clientBuckets.ts';
import { BodyTooLargeError, isJsonContentType, readBody, sendJson, sendJsonAndClose } from './httpBody.ts';
import { parseCall, RPC_ERROR, rpcError } from './jsonRpc.ts';
import type { JsonRpcCall, JsonRpcError, JsonRpcResponse } from './jsonRpc.ts';
import { postJsonRpc, RpcUpstreamError } from './rpcClient.ts';
import type { UpstreamOptions } from './rpcClient.ts';

/**
 * What the app, viem and wallets using /chain as their RPC need: chain and fee facts,
 * reads, logs, receipts, and eth_sendRawTransaction. Filters (eth_newFilter…) are left
 * out on purpose: they keep state on the node, and viem falls back to eth_getLogs.
 */
export const ALLOWED_METHODS: ReadonlySet<string> = new Set([
  'eth_chainId',
  'net_version',
  'eth_blockNumber',
  'eth_call',
  'eth_estimateGas',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getLogs',
  'eth_sendRawTransaction',
  'eth_syncing',
  // Wallets using /chain as a network's RPC (e.g. MetaMask) ask it when adding the network.
  'web3_clientVersion',
]);

export interface ProxyLimits {
  /** Largest request body. Default 256 KiB. */
  maxBodyBytes?: number;
  /** Most calls in one batch. Default 20. */
  maxBatch?: number;
  /** Calls (each call of a batch counts) one client address may make at once. Default 400. */
  callBurst?: number;
  /** Then this many calls per second. Default 100. */
  callsPerSecond?: number;
}

/*
 * The call rate is generous (an app polling receipts and logs, and a wallet on the same
 * machine, stay far below it); it keeps one client from monopolising the node, or an
 * operator's RPC quota.
 */
export const DEFAULT_PROXY_LIMITS = { maxBodyBytes: 256 * 1024, maxBatch: 20, callBurst: 400, callsPerSecond: 100 } as const;

export interface ProxyOptions extends ProxyLimits, UpstreamOptions {
  /** The chain's JSON-RPC URL (never shown to clients). */
  upstreamUrl: string;
}

function refusal(method: string): string {
  if (method === 'eth_sendTransaction' || method === 'eth_sign' || method.startsWith('eth_signTypedData') || method.startsWith('personal_')) {
    return `method ${method} is not available here: the node's accounts never sign for clients; sign in your wallet and send eth_sendRawTransaction`;
  }
  return `method ${method} is not available through this server's chain endpoint (it serves reads and eth_sendRawTransaction only)`;
}

export function createRpcProxy(options: ProxyOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_PROXY_LIMITS.maxBodyBytes;
  const maxBatch = options.maxBatch ?? DEFAULT_PROXY_LIMITS.maxBatch;
  const buckets = clientBuckets({
    burst: options.callBurst ?? DEFAULT_PROXY_LIMITS.callBurst,
    perSecond: options.callsPerSecond ?? DEFAULT_PROXY_LIMITS.callsPerSecond,
  });

  return async (req, res) => {
    if (req.method !== 'POST') {
      sendJsonAndClose(res, 405, rpcError(null, RPC_ERROR.invalidRequest, 'the chain endpoint takes JSON-RPC over POST only'), { Allow: 'POST' });
      return;
    }
    if (!isJsonContentType(req)) {
      sendJsonAndClose(res, 415, rpcError(null, RPC_ERROR.invalidRequest, 'send JSON-RPC with Content-Type: application/json'));
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        sendJsonAndClose(res, 413, rpcError(null, RPC_ERROR.limitExceeded, `request body is over ${maxBodyBytes} bytes`));
        return;
      }
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, rpcError(null, RPC_ERROR.parse, 'parse error: the body is not JSON'));
      return;
    }

    const batch = Array.isArray(parsed);
    const entries: unknown[] = batch ? (parsed as unknown[]) : [parsed];
    if (batch && entries.length === 0) {
      sendJson(res, 400, rpcError(null, RPC_ERROR.invalidRequest, 'invalid request: empty batch'));
      return;
    }
    if (entries.length > maxBatch) {
      sendJson(res, 400, rpcError(null, RPC_ERROR.limitExceeded, `batch of ${entries.length} calls is over the limit of ${maxBatch}`));
      return;
    }

    if (!buckets.take(req, entries.length)) {
      sendJson(res, 429, rpcError(null, RPC_ERROR.limitExceeded, 'rate limit: too many chain calls from this client; slow down and retry'), { 'Retry-After': '1' });
      return;
    }

    // One answer slot per entry; notifications (no id) get none, per JSON-RPC.
    const answers: (JsonRpcResponse | undefined)[] = new Array(entries.length);
    const wantsAnswer: boolean[] = new Array(entries.length).fill(true);
    const forward: { index: number; call: JsonRpcCall }[] = [];
    entries.forEach((entry, index) => {
      const parsedCall = parseCall(entry);
      if ('invalid' in parsedCall) {
        answers[index] = rpcError(parsedCall.id, RPC_ERROR.invalidRequest, parsedCall.invalid);
        return;
      }
      const { call } = parsedCall;
      wantsAnswer[index] = 'id' in call;
      if (!ALLOWED_METHODS.has(call.method)) answers[index] = rpcError(call.id ?? null, RPC_ERROR.methodNotFound, refusal(call.method));
      else forward.push({ index, call });
    });

    let upstreamDown = false;
    if (forward.length > 0) {
      // The proxy owns the upstream ids (the entry's index): clients' ids may repeat, and
      // notifications get an id upstream so every forwarded call is accounted for.
      const outgoing = forward.map(({ index, call }) => ({ jsonrpc: '2.0', id: index, method: call.method, ...(call.params !== undefined ? { params: call.params } : {}) }));
      try {
        const reply = await postJsonRpc(options.upstreamUrl, JSON.stringify(batch ? outgoing : outgoing[0]), options);
        // Some RPCs refuse a whole request or batch with one error object: it answers every call.
        const whole = !Array.isArray(reply) && typeof reply === 'object' && reply !== null && 'error' in reply ? (reply as { error: JsonRpcError }).error : undefined;
        const replies = (Array.isArray(reply) ? reply : [reply]) as unknown[];
        const byId = new Map<unknown, Record<string, unknown>>();
        for (const r of replies) if (typeof r === 'object' && r !== null) byId.set((r as Record<string, unknown>).id, r as Record<string, unknown>);
        for (const { index, call } of forward) {
          const r = byId.get(index);
          const id = call.id ?? null;
          if (r && 'error' in r && typeof r.error === 'object' && r.error !== null) answers[index] = { jsonrpc: '2.0', id, error: r.error as JsonRpcError };
          else if (r && 'result' in r) answers[index] = { jsonrpc: '2.0', id, result: r.result };
          else if (whole) answers[index] = { jsonrpc: '2.0', id, error: whole };
          else answers[index] = rpcError(id, RPC_ERROR.internal, `the chain RPC gave no answer for ${call.method}`);
        }
      } catch (e) {
        if (!(e instanceof RpcUpstreamError)) throw e;
        upstreamDown = true;
        for (const { index, call } of forward) answers[index] = rpcError(call.id ?? null, RPC_ERROR.unavailable, e.message);
      }
    }

    const out = answers.filter((a, i): a is JsonRpcResponse => a !== undefined && wantsAnswer[i]!);
    const status = upstreamDown ? 502 : 200;
    if (out.length === 0) {
      res.writeHead(upstreamDown ? 502 : 204, { 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    sendJson(res, status, batch ? out : out[0]);
  };
}
