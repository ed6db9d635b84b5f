// Everything under /chain: the JSON-RPC proxy (POST /chain), what the app presets in
// Settings (GET /chain/config) and the local dev faucet (POST /chain/faucet). The chain
// comes up in the background: the app is served at once, and chain requests wait for it
// to settle. If it fails, the server keeps serving the app and /chain/config says none.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Address } from '../../src/core/anchor/AnchorChain.ts';
import { createFaucet } from './faucet.ts';
import { createRelay, type RelayOptions } from './relay.ts';
import type { FaucetOptions } from './faucet.ts';
import { sendJson, sendJsonAndClose } from './httpBody.ts';
import { RPC_ERROR, rpcError } from './jsonRpc.ts';
import { startLocalChain } from './localChain.ts';
import type { LocalChainOptions } from './localChain.ts';
import { isLoopbackUrl, validateExternalChain } from './options.ts';
import type { ChainOption, ExternalChain } from './options.ts';
import { createRpcProxy } from './proxy.ts';
import type { ProxyLimits } from './proxy.ts';
import { describeRpc, rpcCall } from './rpcClient.ts';

export const CHAIN_PATH = '/chain';

/** GET /chain/config: what the app needs to preset its chain settings. */
export type ChainConfig =
  | {
      /** local: a dev chain on this machine (the embedded one); remote: a real network. */
      kind: 'local' | 'remote';
      chainId: number;
      /** The TabnodeRegistry; null when there is none (anchoring unavailable). */
      registry: Address | null;
      /** Same-origin JSON-RPC endpoint: the app never needs the RPC's own URL. */
      rpcPath: typeof CHAIN_PATH;
      /** Whether POST /chain/faucet funds an address. */
      faucet: boolean;
      /** Whether POST /chain/relay sends signed (…BySig) registry calls and pays for them (dev chains). */
      relay: boolean;
    }
  | { kind: 'none' };

export interface ChainStatus {
  config: ChainConfig;
  /** One line for the startup log: which chain, where. */
  description: string;
  /** What went wrong, when something did (the chain still runs without a registry). */
  problem?: string;
}

export interface ChainServiceOptions {
  proxy?: ProxyLimits;
  faucet?: Omit<FaucetOptions, 'rpcUrl'>;
  relay?: Omit<RelayOptions, 'rpcUrl' | 'registry'>;
  local?: LocalChainOptions;
}

export interface ChainService {
  /** Settles once the chain is up or has failed (never rejects). */
  ready: Promise<ChainStatus>;
  /** Handles the request when it is for /chain or below; false leaves it to others. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Stops the embedded chain (after it finished starting). */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Active {
  status: ChainStatus;
  proxy?: Handler;
  faucet?: Handler;
  relay?: Handler;
  stop?: () => Promise<void>;
}

/** Starts serving `option`; throws ChainOptionsError at once for an invalid ExternalChain. */
export function startChainService(option: ChainOption, options: ChainServiceOptions = {}): ChainService {
  if (typeof option === 'object') validateExternalChain(option);
  const active = activate(option, options);
  const ready = active.then((a) => a.status);

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?', 1)[0]!;
    if (path !== CHAIN_PATH && !path.startsWith(`${CHAIN_PATH}/`)) return false;
    route(path, req, res).catch((e: unknown) => {
      // A client that went away mid-body ends here too; nothing left to answer then.
      if (!res.headersSent) sendJsonAndClose(res, 500, { error: `chain endpoint failed: ${e instanceof Error ? e.message : String(e)}` });
      else res.destroy();
    });
    return true;
  };

  const route = async (path: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const a = await active;
    if (path === CHAIN_PATH) {
      if (a.proxy) return a.proxy(req, res);
      sendJsonAndClose(res, 503, rpcError(null, RPC_ERROR.unavailable, 'this server runs no chain: see GET /chain/config'));
      return;
    }
    if (path === `${CHAIN_PATH}/config`) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJsonAndClose(res, 405, { error: 'GET only' }, { Allow: 'GET, HEAD' });
        return;
      }
      sendJson(res, 200, a.status.config);
      return;
    }
    if (path === `${CHAIN_PATH}/faucet`) {
      if (a.faucet) return a.faucet(req, res);
      const why = a.status.config.kind === 'none' ? 'this server runs no chain' : 'the faucet runs on the embedded local chain only';
      sendJsonAndClose(res, 404, { error: `no faucet: ${why}` });
      return;
    }
    if (path === `${CHAIN_PATH}/relay`) {
      if (a.relay) return a.relay(req, res);
      sendJsonAndClose(res, 404, { error: 'no relayer: it runs on a dev chain with a registry only (the embedded local chain)' });
      return;
    }
    sendJsonAndClose(res, 404, { error: `no such chain endpoint; there are POST ${CHAIN_PATH}, GET ${CHAIN_PATH}/config, POST ${CHAIN_PATH}/faucet and POST ${CHAIN_PATH}/relay` });
  };

  return {
    ready,
    handle,
    async close() {
      await (await active).stop?.();
    },
  };
}

async function activate(option: ChainOption, options: ChainServiceOptions): Promise<Active> {
  if (option === 'none') return { status: { config: { kind: 'none' }, description: 'none (no chain configured)' } };
  if (option === 'local') return activateLocal(options);
  return activateExternal(option, options);
}

async function activateLocal(options: ChainServiceOptions): Promise<Active> {
  let chain;
  try {
    chain = await startLocalChain(options.local);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      status: {
        config: { kind: 'none' },
        description: 'none (the embedded local chain did not start)',
        problem: `the embedded local chain (Hardhat) did not start, so the app runs without a chain (set TABNODE_CHAIN=none to skip it): ${reason}`,
      },
    };
  }
  const config: ChainConfig = { kind: 'local', chainId: chain.chainId, registry: chain.registry, rpcPath: CHAIN_PATH, faucet: true, relay: chain.registry !== null };
  return {
    status: {
      config,
      description: `local Hardhat chain ${chain.chainId} at ${CHAIN_PATH} (started in ${(chain.startupMs / 1000).toFixed(1)} s), registry ${chain.registry ?? 'not deployed'}, faucet at ${CHAIN_PATH}/faucet`,
      problem: chain.registryError && `the registry was not deployed on the local chain, so anchoring is unavailable (the chain and faucet work): ${chain.registryError}`,
    },
    proxy: createRpcProxy({ upstreamUrl: chain.rpcUrl, ...options.proxy }),
    faucet: createFaucet({ ...options.faucet, rpcUrl: chain.rpcUrl }),
    ...(chain.registry ? { relay: createRelay({ ...options.relay, rpcUrl: chain.rpcUrl, registry: chain.registry }) } : {}),
    stop: chain.stop,
  };
}

async function activateExternal(chain: ExternalChain, options: ChainServiceOptions): Promise<Active> {
  const where = describeRpc(chain.rpcUrl);
  let chainId = chain.chainId;
  if (chainId === undefined) {
    try {
      chainId = Number(BigInt(await rpcCall<string>(chain.rpcUrl, 'eth_chainId', [], { timeoutMs: 10_000 })));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return {
        status: {
          config: { kind: 'none' },
          description: `none (the chain RPC ${where} did not tell its chain id)`,
          problem: `could not read the chain id from ${where}, so the app runs without a chain; check TABNODE_CHAIN_RPC: ${reason}`,
        },
      };
    }
  }
  const kind = isLoopbackUrl(new URL(chain.rpcUrl)) ? 'local' : 'remote';
  const faucet = chain.faucet === true;
  // The dev relayer pays from the same unlocked account as the faucet: dev chains only.
  const relay = faucet && chain.registry !== null;
  return {
    status: {
      config: { kind, chainId, registry: chain.registry, rpcPath: CHAIN_PATH, faucet, relay },
      description: `${kind} chain ${chainId} (${where}) at ${CHAIN_PATH}, registry ${chain.registry ?? 'none'}${faucet ? `, faucet at ${CHAIN_PATH}/faucet` : ''}`,
    },
    proxy: createRpcProxy({ upstreamUrl: chain.rpcUrl, ...options.proxy }),
    faucet: faucet ? createFaucet({ ...options.faucet, rpcUrl: chain.rpcUrl }) : undefined,
    relay: relay && chain.registry ? createRelay({ ...options.relay, rpcUrl: chain.rpcUrl, registry: chain.registry }) : undefined,
  };
}
