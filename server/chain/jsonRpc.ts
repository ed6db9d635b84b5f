// JSON-RPC 2.0 shapes and the error codes the chain endpoints answer with (the standard
// codes, and EIP-1474's for limits and unavailable resources), so wallets and viem map
// them to their usual error classes.

export type JsonRpcId = string | number | null;

export interface JsonRpcCall {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
  /** Absent on a notification (which gets no answer). */
  id?: JsonRpcId;
}

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: JsonRpcId; result: unknown }
  | { jsonrpc: '2.0'; id: JsonRpcId; error: JsonRpcError };

export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  internal: -32603,
  /** EIP-1474 "resource unavailable": the chain behind the proxy is down or absent. */
  unavailable: -32002,
  /** EIP-1474 "limit exceeded": body, batch or rate over a bound. */
  limitExceeded: -32005,
} as const;

export function rpcError(id: JsonRpcId, code: number, message: string): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

function isId(value: unknown): value is JsonRpcId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** A well-formed call, or the reason it is not (answered with -32600). */
export function parseCall(value: unknown): { call: JsonRpcCall } | { id: JsonRpcId; invalid: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, invalid: 'invalid request: each call must be a JSON object' };
  }
  const v = value as Record<string, unknown>;
  const id = isId(v.id) ? v.id : null;
  if ('id' in v && !isId(v.id)) return { id, invalid: 'invalid request: id must be a string, a number or null' };
  if (v.jsonrpc !== '2.0') return { id, invalid: 'invalid request: "jsonrpc" must be "2.0"' };
  if (typeof v.method !== 'string' || v.method === '') return { id, invalid: 'invalid request: "method" must be a non-empty string' };
  if ('params' in v && (typeof v.params !== 'object' || v.params === null)) {
    return { id, invalid: 'invalid request: "params" must be an array or an object' };
  }
  const call: JsonRpcCall = { jsonrpc: '2.0', method: v.method };
  if ('params' in v) call.params = v.params;
  if ('id' in v) call.id = id;
  return { call };
}
