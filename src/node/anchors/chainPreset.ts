import type { ChainPreset } from '../settings.ts';

const MAX_BYTES = 4096;
const TIMEOUT_MS = 2000;

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
