import type { ChainPreset } from '../settings.ts';

const MAX_BYTES = 4096;
const TIMEOUT_MS = 2000;
const FAUCET_TIMEOUT_MS = 30_000;

/**
 * The chain the serving site offers (`GET /chain/config`), to preset Settings. Undefined when
 * it offers none, answers something else, or does not answer in time: the app works
 * without a chain.
 */
export async function fetchChainPreset(origin: string, fetchFn: typeof fetch = fetch): Promise<ChainPreset | undefined> {
  try {
    const response = await fetchFn(new URL('/chain/config', origin), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) return undefined;
    const text = await response.text();
    if (text.length > MAX_BYTES) return undefined;
    return parseChainPreset(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function parseChainPreset(value: unknown): ChainPreset | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind !== 'local' && v.kind !== 'remote') return undefined;
  if (typeof v.chainId !== 'number' || !Number.isSafeInteger(v.chainId) || v.chainId <= 0) return undefined;
  if (typeof v.registry !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v.registry)) return undefined;
  if (typeof v.rpcPath !== 'string' || !v.rpcPath.startsWith('/') || v.rpcPath.startsWith('//')) return undefined;
  return { kind: v.kind, chainId: v.chainId, registry: v.registry.toLowerCase(), rpcPath: v.rpcPath, faucet: v.faucet === true, relay: v.relay === true };
}

/** The dev faucet refused or failed; the message says why (its own words when it gave some). */
export class FaucetError extends Error {
  override readonly name = 'FaucetError';
}

/**
 * Ask the serving site's dev faucet (`POST /chain/faucet`, local chains only) to fund
 * `address`; returns the funding transaction's hash.
 */
export async function fundFromFaucet(origin: string, address: string, fetchFn: typeof fetch = fetch): Promise<string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new FaucetError(`"${address.slice(0, 60)}" is not an Ethereum address`);
  let response: Response;
  try {
    response = await fetchFn(new URL('/chain/faucet', origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address }),
      signal: AbortSignal.timeout(FAUCET_TIMEOUT_MS),
    });
  } catch (e) {
    throw new FaucetError(`the faucet did not answer: ${(e as Error).message}`);
  }
  const text = (await response.text()).slice(0, MAX_BYTES);
  let body: { txHash?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: reported below with the status
  }
  if (!response.ok || typeof body.txHash !== 'string') {
    const why = typeof body.error === 'string' ? body.error : typeof (body.error as { message?: unknown })?.message === 'string' ? (body.error as { message: string }).message : `HTTP ${response.status}`;
    throw new FaucetError(response.status === 404 ? 'this site offers no faucet (only its local dev chain has one)' : `the faucet refused: ${why}`);
  }
  return body.txHash;
}

/** The site's dev relayer refused or failed. */
export class RelayError extends Error {
  override readonly name = 'RelayError';
}

/**
 * Hand a signed registry call (`…BySig` calldata) to the site's dev relayer (`POST
 * /chain/relay`), which sends it and pays; the transaction hash.
 */
export async function relayThroughSite(origin: string, data: string, fetchFn: typeof fetch = fetch): Promise<`0x${string}`> {
  let response: Response;
  try {
    response = await fetchFn(new URL('/chain/relay', origin), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }), signal: AbortSignal.timeout(FAUCET_TIMEOUT_MS) });
  } catch (e) {
    throw new RelayError(`the relayer did not answer: ${(e as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as { txHash?: unknown; error?: unknown };
  if (!response.ok || typeof body.txHash !== 'string' || !/^0x[0-9a-f]{64}$/i.test(body.txHash)) {
    throw new RelayError(response.status === 404 ? 'this site offers no relayer (only its local dev chain has one)' : `the relayer refused: ${typeof body.error === 'string' ? body.error : `HTTP ${response.status}`}`);
  }
  return body.txHash as `0x${string}`;
}
