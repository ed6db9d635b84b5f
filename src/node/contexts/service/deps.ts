import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import type { Role } from '../../../core/ops/roles.ts';
import type { Store } from '../../../core/store/index.ts';
import type { ProofOptions } from '../../../core/identity/index.ts';
import type { IdentityService } from '../../identityService.ts';
import type { NodeSettings } from '../../settings.ts';
import type { MeshPort } from '../meshPort.ts';
import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';
import type { ContextSync, SyncEvent } from '../../../core/sync/contextSync.ts';
import type { ContextApp } from '../../apps/contextApp.ts';
import type { AnchorPolicy } from '../../../core/anchor/policy.ts';
import type { ContextAnchorsDeps } from '../../anchors/contextAnchors.ts';

export interface ContextSummary {
  id: string;
  name: string;
  myRole?: Role;
  members: number;
  peersOnline: number;
  joining: boolean;
}

/** What a join page shows before anything is fetched: the invite, checked on its own. */
export type InvitePreview =
  | { ok: true; contextId: string; contextName: string; role: Role; expiresAt: number; maxUses: number; alreadyHere: boolean }
  | { ok: false; problem: string; detail?: string };

export class ContextNotFoundError extends Error {
  override readonly name = 'ContextNotFoundError';
  constructor(id: string) {
    super(`no context ${id.slice(0, 12)}… on this browser: open it through an invite link first`);
  }
}

export interface ContextServiceDeps {
  vault: PrivateVault;
  /** Make the app of a context from its id (hex): built-in, or a WASM binary by hash. */
  appFor(appId: string, sync: ContextSync): Promise<ContextApp>;
  /** The whole store: each running context is given it (its persistence takes a `Store`). */
  store: Store;
  identity: IdentityService;
  mesh: MeshPort;
  settings(): Promise<NodeSettings>;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  origin: string;
  /** How contract-account proofs are checked (an RPC from Settings). */
  proofs: ProofOptions;
  /** Hears every open context's sync events (the metrics service counts ops); keep it cheap. */
  observeSync?(contextId: string, event: SyncEvent): void;
  /** Chain anchoring (src/node/anchors); without it anchored contexts are not checked on chain. */
  anchoring?: Omit<ContextAnchorsDeps, 'ctx' | 'scheduler' | 'now' | 'onChange' | 'policy'> & { policy(contextId: string): Promise<AnchorPolicy> };
}
