import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ec, hash as starkHash, shortString } from 'starknet';

/*
 * A protocol double of a Starknet JSON-RPC node, NOT a chain: no local Starknet node can run
 * here (starknet-devnet cannot be installed), so this HTTP server answers the two methods an
 * `is_valid_signature` check needs the way a node does for deployed accounts:
 * - `starknet_chainId`: the chain's short string as a hex felt;
 * - `starknet_call` on `is_valid_signature(hash, signature: Array<felt252>)`: 'VALID' when
 *   [r, s] verifies against the account's Stark key (both y parities, as Cairo's
 *   `check_ecdsa_signature`), else 0 (as OpenZeppelin accounts do); the node's error codes
 *   for an unknown contract (20), entrypoint (21) or undecodable calldata (40).
 */

export interface StarknetAccountDouble {
  address: string;
  /** The account's Stark public key: the x coordinate, as accounts store it. */
  starkKey: string;
}

export interface StarknetRpcDouble {
  url: string;
  /** Every request received, in order. */
  requests: { method: string; params: unknown }[];
  close(): Promise<void>;
}

const IS_VALID_SIGNATURE = BigInt(starkHash.getSelectorFromName('is_valid_signature'));
const VALID = '0x56414c4944';

export async function startStarknetRpcDouble(options: {
  chainId: string;
  accounts: StarknetAccountDouble[];
  /** What a valid signature gets: 'VALID' (SRC-6 accounts) or 1 (older accounts' `true`). */
  validAnswer?: 'VALID' | 'true';
}): Promise<StarknetRpcDouble> {
  const keys = new Map(options.accounts.map((a) => [BigInt(a.address), BigInt(a.starkKey)]));
  const requests: StarknetRpcDouble['requests'] = [];

  function call(method: string, params: unknown): { result: unknown } | { error: { code: number; message: string; data?: unknown } } {
    if (method === 'starknet_chainId') return { result: shortString.encodeShortString(options.chainId) };
    if (method === 'starknet_specVersion') return { result: '0.8.1' };
    if (method !== 'starknet_call') return { error: { code: -32601, message: 'Method not found' } };
    const { request } = (Array.isArray(params) ? { request: params[0] } : params) as {
      request: { contract_address: string; entry_point_selector: string; calldata: string[] };
    };
    const key = keys.get(BigInt(request.contract_address));
    if (key === undefined) return { error: { code: 20, message: 'Contract not found' } };
    if (BigInt(request.entry_point_selector) !== IS_VALID_SIGNATURE) {
      return { error: { code: 21, message: 'Requested entrypoint does not exist in the contract' } };
    }
    const [msgHash, length, ...signature] = request.calldata.map((felt) => BigInt(felt));
    if (msgHash === undefined || length === undefined || Number(length) !== signature.length) {
      return { error: { code: 40, message: 'Contract error', data: { revert_error: 'Failed to deserialize param #2' } } };
    }
    return { result: [verifies(msgHash, signature, key) ? (options.validAnswer === 'true' ? '0x1' : VALID) : '0x0'] };
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    let message: { id?: unknown; method: string; params?: unknown };
    try {
      message = JSON.parse(body);
    } catch {
      return reply(res, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    requests.push({ method: message.method, params: message.params });
    reply(res, { jsonrpc: '2.0', id: message.id ?? null, ...call(message.method, message.params) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rpc/v0_8`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function verifies(msgHash: bigint, signature: bigint[], starkKey: bigint): boolean {
  const [r, s] = signature;
  if (signature.length !== 2 || r === undefined || s === undefined) return false;
  for (const prefix of ['02', '03']) {
    try {
      const sig = new ec.starkCurve.Signature(r, s);
      if (ec.starkCurve.verify(sig, `0x${msgHash.toString(16)}`, `${prefix}${starkKey.toString(16).padStart(64, '0')}`)) return true;
    } catch {
      // Not a point for this parity, or r/s out of range.
    }
  }
  return false;
}
