// The server's side of a JSON-RPC upstream (the local Hardhat node or an operator's RPC):
// one POST with a deadline and a bound on the answer. Messages name the RPC by its origin
// only: paths and queries of hosted RPCs often carry API keys.

/** The upstream RPC did not answer usefully: unreachable, timed out, not JSON, or over the bound. */
export class RpcUpstreamError extends Error {
  override name = 'RpcUpstreamError';
}

/** The upstream answered a call with a JSON-RPC error. */
export class RpcCallError extends Error {
  override name = 'RpcCallError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method} failed: ${message} (code ${code})`);
  }
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
/** eth_getLogs over a busy range can be large; a runaway answer must not fill the memory. */
export const DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface UpstreamOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** `https://key@rpc.example/v2/SECRET` → `https://rpc.example`. */
export function describeRpc(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** POSTs `body` (JSON text) and returns the parsed JSON answer, whatever its HTTP status. */
export async function postJsonRpc(url: string, body: string, options: UpstreamOptions = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES;
  const where = describeRpc(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    if (e instanceof Error && e.name === 'TimeoutError') throw new RpcUpstreamError(`the chain RPC ${where} did not answer within ${timeoutMs} ms`);
    throw new RpcUpstreamError(`the chain RPC ${where} is unreachable: ${cause}`);
  }
  const text = await readBounded(response, maxBytes, where);
  try {
    return JSON.parse(text);
  } catch {
    throw new RpcUpstreamError(`the chain RPC ${where} answered HTTP ${response.status} with something that is not JSON`);
  }
}

async function readBounded(response: Response, maxBytes: number, where: string): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (e) {
      throw new RpcUpstreamError(`the chain RPC ${where} broke off its answer: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (step.done) break;
    size += step.value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new RpcUpstreamError(`the chain RPC ${where} answered with more than ${maxBytes} bytes`);
    }
    chunks.push(step.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One call for the server's own use (chain id, faucet): its result, or a typed error. */
export async function rpcCall<T = unknown>(url: string, method: string, params: unknown[] = [], options: UpstreamOptions = {}): Promise<T> {
  const answer = (await postJsonRpc(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), options)) as {
    result?: T;
    error?: { code?: number; message?: string };
  } | null;
  if (answer && typeof answer === 'object' && answer.error) {
    throw new RpcCallError(method, Number(answer.error.code ?? 0), String(answer.error.message ?? 'no message'));
  }
  if (!answer || typeof answer !== 'object' || !('result' in answer)) {
    throw new RpcUpstreamError(`the chain RPC ${describeRpc(url)} gave no result for ${method}`);
  }
  return answer.result as T;
}
