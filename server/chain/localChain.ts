// The embedded chain of `npm start`: Hardhat 2's node on a free loopback port (a child
// process that exits with the server, however the server dies), with the TabnodeRegistry
// deployed from the node's first unlocked account once the node answers.
import { HARDHAT_CHAIN_ID, startHardhatNode } from '../../src/adapters/chain/hardhatNode.ts';
import { deployRegistry } from '../../src/adapters/chain/registry/deploy.ts';
import type { Address } from '../../src/core/anchor/AnchorChain.ts';

export type DeployRegistry = (args: { rpcUrl: string }) => Promise<{ address: Address; chainId: number; gasUsed: bigint }>;

export interface LocalChainOptions {
  /** How long Hardhat may take to answer. Default 30 s (it takes about 1.5 s, 4 s cold). */
  startTimeoutMs?: number;
  /** Deploys the registry; tests pass a stand-in. Default: the real deployRegistry. */
  deploy?: DeployRegistry;
  /** How long the deploy may take (chain requests wait for it). Default 60 s. */
  deployTimeoutMs?: number;
}

export interface LocalChain {
  /** The node's own JSON-RPC URL (loopback; clients reach it through /chain). */
  rpcUrl: string;
  chainId: number;
  /** The deployed registry, or null when the deploy failed (registryError says why). */
  registry: Address | null;
  registryError?: string;
  startupMs: number;
  stop(): Promise<void>;
}

export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const node = await startHardhatNode({ timeoutMs: options.startTimeoutMs }).catch((e: unknown) => {
    // Hardhat is a dev dependency: an install with --omit=dev has no embedded chain.
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error('Hardhat is not installed (a dev dependency): run `npm ci` without --omit=dev, or set TABNODE_CHAIN=none');
    }
    throw e;
  });
  const deploy = options.deploy ?? deployRegistry;
  // A chain without the registry still serves wallets, signature checks and the faucet;
  // only anchoring needs it, so a failed deploy is reported, not fatal.
  let registry: Address | null = null;
  let registryError: string | undefined;
  const deployTimeoutMs = options.deployTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the deploy took longer than ${deployTimeoutMs} ms`)), deployTimeoutMs);
    });
    const deployed = await Promise.race([deploy({ rpcUrl: node.url }), deadline]);
    registry = deployed.address;
  } catch (e) {
    registryError = e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
  return { rpcUrl: node.url, chainId: HARDHAT_CHAIN_ID, registry, registryError, startupMs: node.startupMs, stop: node.stop };
}
