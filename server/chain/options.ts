// Which chain the server offers at /chain: the embedded local one, an operator's network, or
// none; from startServer's `chain` option, or from the environment and flags of the CLI.
import { parseArgs } from 'node:util';
import type { Address } from '../../src/core/anchor/AnchorChain.ts';

/** A chain someone else runs (or a test's own Hardhat node), reached through /chain. */
export interface ExternalChain {
  /** Its JSON-RPC URL (http or https). Never shown to clients: they use /chain. */
  rpcUrl: string;
  /** The TabnodeRegistry deployed on it; null runs the chain without anchoring. */
  registry: Address | null;
  /** Read from the RPC (eth_chainId) when omitted. */
  chainId?: number;
  /** Serve the dev faucet from the node's unlocked accounts; loopback RPCs only. */
  faucet?: boolean;
}

export type ChainOption = ExternalChain | 'local' | 'none';

export class ChainOptionsError extends Error {
  override name = 'ChainOptionsError';
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Checks an ExternalChain, throwing ChainOptionsError that says what to write instead. */
export function validateExternalChain(chain: ExternalChain): void {
  let url: URL;
  try {
    url = new URL(chain.rpcUrl);
  } catch {
    throw new ChainOptionsError('the chain RPC is not a URL: give its JSON-RPC endpoint, e.g. https://sepolia.example.org/v1/KEY');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChainOptionsError(`the chain RPC must be an http(s) URL (JSON-RPC over HTTP), not ${url.protocol}`);
  }
  if (chain.registry !== null && !ADDRESS.test(chain.registry)) {
    throw new ChainOptionsError(`the registry address ${JSON.stringify(String(chain.registry).slice(0, 60))} is not 0x followed by 40 hex digits`);
  }
  if (chain.chainId !== undefined && !(Number.isSafeInteger(chain.chainId) && chain.chainId > 0)) {
    throw new ChainOptionsError(`chainId must be a positive integer, got ${String(chain.chainId)}`);
  }
  // The faucet spends the node's unlocked accounts: only a dev chain on this machine has them.
  if (chain.faucet && !isLoopbackUrl(url)) {
    throw new ChainOptionsError('the faucet runs only on a local dev chain (a loopback RPC such as http://127.0.0.1:8545), never on a remote network');
  }
}

/**
 * The CLI's chain: flags (`--chain=local|none`, `--chain-rpc=URL`, `--chain-registry=ADDRESS`)
 * over the environment (TABNODE_CHAIN, TABNODE_CHAIN_RPC, TABNODE_CHAIN_REGISTRY); the
 * embedded local chain when nothing is set.
 */
export function chainFromEnvironment(env: NodeJS.ProcessEnv, argv: string[] = []): ChainOption {
  let flags: { chain?: string; 'chain-rpc'?: string; 'chain-registry'?: string };
  try {
    flags = parseArgs({
      args: argv,
      options: { chain: { type: 'string' }, 'chain-rpc': { type: 'string' }, 'chain-registry': { type: 'string' } },
      strict: true,
    }).values;
  } catch (e) {
    throw new ChainOptionsError(`${e instanceof Error ? e.message : String(e)} (flags: --chain=local|none, --chain-rpc=URL, --chain-registry=ADDRESS)`);
  }
  const mode = (flags.chain ?? env.TABNODE_CHAIN ?? '').trim().toLowerCase();
  const rpcUrl = (flags['chain-rpc'] ?? env.TABNODE_CHAIN_RPC ?? '').trim();
  const registry = (flags['chain-registry'] ?? env.TABNODE_CHAIN_REGISTRY ?? '').trim();

  if (mode !== '' && mode !== 'local' && mode !== 'none') {
    throw new ChainOptionsError(`TABNODE_CHAIN (--chain) must be local or none, got ${JSON.stringify(mode)}; for a real network set TABNODE_CHAIN_RPC and TABNODE_CHAIN_REGISTRY instead`);
  }
  if (rpcUrl === '') {
    if (registry !== '') throw new ChainOptionsError('TABNODE_CHAIN_REGISTRY is set without TABNODE_CHAIN_RPC: give the RPC of the network the registry is on');
    return mode === 'none' ? 'none' : 'local';
  }
  if (mode !== '') {
    throw new ChainOptionsError(`TABNODE_CHAIN=${mode} and TABNODE_CHAIN_RPC are both set: unset TABNODE_CHAIN to use the network at TABNODE_CHAIN_RPC`);
  }
  if (registry === '') {
    throw new ChainOptionsError('TABNODE_CHAIN_RPC is set without TABNODE_CHAIN_REGISTRY: give the address of the TabnodeRegistry deployed on that network');
  }
  const chain: ExternalChain = { rpcUrl, registry: registry as Address, faucet: false };
  validateExternalChain(chain);
  return chain;
}
