import type { ProofOptions } from '../../../core/identity/index.ts';
import type { BoxKeyPair } from '../../../core/crypto/index.ts';
import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';
import type { Scheduler } from '../../../core/mesh/Scheduler.ts';
import type { ContextRecord, Store } from '../../../core/store/index.ts';
import type { ContextSync, SyncEvent } from '../../../core/sync/contextSync.ts';
import type { ContextApp } from '../../apps/contextApp.ts';
import type { SigningIdentity } from '../../identityService.ts';
import type { NodeSettings } from '../../settings.ts';
import type { MeshPort } from '../meshPort.ts';
import type { ContextView } from '../view.ts';

export const CONTEXT_TIMINGS = { checkpointMs: 4000, antiEntropyMs: 3000, snapshotEveryDeltas: 200, snapshotGapMs: 2000 } as const;

/** What a running context is given by its node. */
export interface ContextDeps {
  record: ContextRecord;
  store: Store;
  identity: SigningIdentity;
  mesh: MeshPort;
  settings: NodeSettings;
  scheduler: Scheduler;
  now(): number;
  randomBytes(length: number): Uint8Array;
  onChange(): void;
  /**
   * A long history is opening: its view (the sealed snapshot's state, the ops loaded so far)
   * can be read before the open resolves. Called at most once.
   */
  onOpening?(view: () => ContextView): void;
  /** Hears every sync event as it happens (the metrics service counts ops here); keep it cheap. */
  observeSync?(event: SyncEvent): void;
  /** How contract-account proofs are checked (an RPC from Settings). */
  proofs: ProofOptions;
  /** The app of a context, once its genesis (and so its app id) is known. */
  appFor(appId: string, sync: ContextSync): Promise<ContextApp>;
  /** This device's box key (epoch keys are sealed to it). */
  boxKey(): Promise<BoxKeyPair>;
  /**
   * The profile's vault (AES-GCM under its non-extractable key): epoch keys and state
   * snapshots are kept through it, so a disk image without the live profile reads neither.
   */
  vault: PrivateVault;
  /** This member's private storage, decrypted / encrypted by the node's vault. */
  privateStorage: { load(context: string): Promise<[string, Uint8Array][]>; write(context: string, writes: [string, Uint8Array | null][]): Promise<void> };
}
