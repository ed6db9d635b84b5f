import type { Address } from '../../../core/anchor/AnchorChain.ts';
import { checkedUrl, DEFAULT_RPC_TIMEOUT_MS, RpcChainMismatchError, RpcUnavailableError } from '../rpcAccountVerifier.ts';
import { lowerAddress } from './registryKey.ts';

/*
 * The registry's chain as adapters reach it: one JSON-RPC endpoint, checked once to serve the
 * expected chain. viem is imported on first use, never at module load.
 */

/** Where the registry is: the RPC of its chain, the chain id the RPC must serve, and the contract. */
export interface RegistryRpc {
  /** http(s) JSON-RPC URL of the chain. */
  rpcUrl: string;
  chainId: number;
  registry: Address;
  /** Per request, ms (default DEFAULT_RPC_TIMEOUT_MS). */
  timeoutMs?: number;
}

type Viem = typeof import('viem');
type PublicClient = ReturnType<Viem['createPublicClient']>;

export interface RegistryClient {
  viem: Viem;
  client: PublicClient;
  rpc: Required<RegistryRpc>;
  /** Runs an RPC call, turning network failures into RpcUnavailableError. */
  call<T>(fn: () => Promise<T>): Promise<T>;
}

/** Validates the options at once (a bad URL throws RpcUrlError before any request); the client connects lazily. */
export function registryClient(rpc: RegistryRpc): () => Promise<RegistryClient> {
  const full: Required<RegistryRpc> = {
    rpcUrl: checkedUrl(rpc.rpcUrl),
    chainId: rpc.chainId,
    registry: lowerAddress(rpc.registry, 'registry'),
    timeoutMs: rpc.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
  };
  if (!(full.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, not ${full.timeoutMs}`);
  let ready: Promise<RegistryClient> | undefined;
  return () => {
    ready ??= connect(full).catch((e: unknown) => {
      ready = undefined; // the next call asks again (the RPC may be back, or fixed)
      throw e;
    });
    return ready;
  };
}

async function connect(rpc: Required<RegistryRpc>): Promise<RegistryClient> {
  const viem = await import('viem');
  // No retries: they would multiply the wait; callers poll again later.
  // cacheTime 0: a node polling for new anchors must see the latest block, not a cached one.
  const client = viem.createPublicClient({ cacheTime: 0, transport: viem.http(rpc.rpcUrl, { timeout: rpc.timeoutMs, retryCount: 0 }) });
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw new RpcUnavailableError('Ethereum', rpc.rpcUrl, e);
    }
  };
  const actual = await call(() => client.getChainId());
  if (actual !== rpc.chainId) throw new RpcChainMismatchError('Ethereum', rpc.rpcUrl, rpc.chainId, actual);
  return { viem, client, rpc, call };
}

