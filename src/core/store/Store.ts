import type { AlertRecord } from '../alerts/alert.ts';
import type { BoxKeyPair } from '../crypto/hpke.ts';
import type { RootId, RootKind } from '../identity/index.ts';
import type { HealthPoint } from '../metrics/point.ts';

/**
 * A private key the node can sign with. In browsers it is a non-extractable WebCrypto
 * key (the bytes never reach JavaScript); `seed` is the fallback where the platform has
 * no Ed25519 in WebCrypto.
 */
export type KeyHandle = { kind: 'webcrypto'; privateKey: CryptoKey } | { kind: 'seed'; seed: Uint8Array };

/** This profile's device (client) key. One per browser profile, shared by its tabs. */
export interface DeviceKeyRecord {
  publicKey: Uint8Array;
  handle: KeyHandle;
  createdAt: number;
}

/** The person using this profile. Local roots keep their key (non-extractable); wallet roots do not. */
export interface RootRecord {
  id: RootId;
  kind: RootKind;
  handle?: KeyHandle;
  createdAt: number;
}

/** A delegation as stored: its canonical bytes plus the fields it is looked up by. */
export interface DelegationRecord {
  /** base58 of the delegated client key */
  clientKey: string;
  root: RootId;
  expiresAt: number;
  bytes: Uint8Array;
}

export interface RevocationRecord {
  clientKey: string;
  root: RootId;
  bytes: Uint8Array;
}

/** A context this profile takes part in. */
export interface ContextRecord {
  /** hex of the context id (the genesis op id) */
  id: string;
  name: string;
  /** Rendezvous secret: derives the signaling room and its password. Never leaves members. */
  secret: Uint8Array;
  /** Signaling servers named by the invite this profile joined with (empty: use settings). */
  signaling: string[];
  /** The invite this profile joined with, until its join op is valid. */
  invite?: Uint8Array;
  /**
   * The private half of that invite's box key (from the link), sealed by the profile's vault
   * (src/node/contexts/context/inviteBoxSecret.ts), until the join is valid: it opens the
   * epoch keys granted to the invite (docs/decisions/epoch-keys.md).
   */
  inviteBoxSecret?: Uint8Array;
  /**
   * Set when this device came back to a context its root is already a member of (a login
   * on a new browser): it adds its key with an `add-device` op instead of joining.
   */
  rejoin?: boolean;
  createdAt: number;
}

/** An op refused outright (never stored as part of the DAG), kept for the sync panel. */
export interface RejectionRecord {
  context: string;
  key?: string;
  reason: string;
  message: string;
  from?: string;
  at: number;
}

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };

/** This profile's keys: the device key, the root (who uses it), the vault key for private storage, the device box key. */
export interface KeyStore {
  deviceKey(): Promise<DeviceKeyRecord | undefined>;
  /** Keep `candidate` unless a device key exists already; return the stored one (first writer wins). */
  ensureDeviceKey(candidate: DeviceKeyRecord): Promise<DeviceKeyRecord>;
  /**
   * Key rotation: replace the device key if it still is `current` (compare-and-set, so two
   * tabs rotating at once make one new key); return the stored one. With no key stored (a
   * sign-out landed mid-rotation) nothing is written: the next person here must not inherit
   * a key the previous root delegated.
   */
  replaceDeviceKey(current: Uint8Array, next: DeviceKeyRecord): Promise<DeviceKeyRecord | undefined>;
  root(): Promise<RootRecord | undefined>;
  /** Set the root if none is set, or if it is the same root (restoring); refuse to replace another. */
  setRoot(root: RootRecord): Promise<RootRecord>;
  /**
   * Sign out: forget the root, and the device key and device box key with it, in one step
   * (the next sign-in makes new ones). Whoever uses this profile next can then neither sign
   * with a key that root delegated nor open new boxes sealed to its box key, and a different
   * root signing in here registers keys of its own. Not a wipe: contexts, their epoch keys
   * (wrapped by the profile's vault) and private storage stay. Delegations and revocations
   * stay: they are public statements.
   */
  clearRoot(): Promise<void>;
  /** The profile's key for private storage at rest; first writer wins, like the device key. */
  ensureVaultKey(candidate: CryptoKey): Promise<CryptoKey>;
  /**
   * The profile's device box key (X25519, private half non-extractable): epoch keys are sealed
   * to it (docs/decisions/epoch-keys.md). First writer wins, like the vault key, so two tabs
   * end with one key.
   */
  ensureBoxKey(candidate: BoxKeyPair): Promise<BoxKeyPair>;
}

/** Certificates: the delegations and revocations this profile's roots have signed. */
export interface CertificateStore {
  putDelegation(record: DelegationRecord): Promise<void>;
  delegations(): Promise<DelegationRecord[]>;
  putRevocation(record: RevocationRecord): Promise<void>;
  revocations(): Promise<RevocationRecord[]>;
}

/** The contexts held here, each with its ops, snapshot and refused ops. */
export interface ContextStore {
  putContext(record: ContextRecord): Promise<void>;
  contexts(): Promise<ContextRecord[]>;
  /** Durably append ops (canonical bytes) of a context; ops already stored are skipped. */
  putOps(context: string, ops: StoredOp[]): Promise<void>;
  /** A context's ops in the order they were stored (parents before children). */
  ops(context: string): Promise<Uint8Array[]>;
  putSnapshot(context: string, bytes: Uint8Array): Promise<void>;
  snapshot(context: string): Promise<Uint8Array | undefined>;
  /** Keep the newest rejections of a context (bounded). */
  putRejections(records: RejectionRecord[]): Promise<void>;
  rejections(context: string): Promise<RejectionRecord[]>;
  /**
   * Forget a context on this profile: its record, ops, snapshot, rejections, private
   * entries, epoch keys and seals, in one go (the app binaries stay: other contexts may run them).
   */
  deleteContext(context: string): Promise<void>;
}

/** Private storage of this member on this device: ciphertexts by context and key. */
export interface PrivateStore {
  putPrivate(context: string, entries: [key: string, ciphertext: Uint8Array | null][]): Promise<void>;
  privateEntries(context: string): Promise<[string, Uint8Array][]>;
}

/**
 * An epoch key of a context as kept at rest (docs/decisions/epoch-keys.md): named by the op
 * that made it, wrapped by the profile's vault key (src/adapters/webcrypto/epochKeyWrap.ts),
 * never in clear.
 */
export interface EpochKeyRecord {
  /** hex id of the op that made the key (the genesis for epoch 0, else a `rotate-epoch`) */
  keyOp: string;
  epoch: number;
  /** The 32-byte key, sealed to this profile and bound to its context and `keyOp`. */
  wrapped: Uint8Array;
}

/** The order `epochKeys` returns: by epoch, then keyOp. */
export function byEpochThenKeyOp(a: EpochKeyRecord, b: EpochKeyRecord): number {
  return a.epoch - b.epoch || (a.keyOp < b.keyOp ? -1 : a.keyOp > b.keyOp ? 1 : 0);
}

/** The epoch keys this profile holds, per context. */
export interface EpochKeyStore {
  /** Keep these keys of a context; a record for a `keyOp` already kept replaces it. */
  putEpochKeys(context: string, records: EpochKeyRecord[]): Promise<void>;
  /** A context's epoch keys, by epoch, then keyOp. */
  epochKeys(context: string): Promise<EpochKeyRecord[]>;
}

/** Application binaries by SHA-256 (hex). */
export interface AppStore {
  putApp(hash: string, bytes: Uint8Array): Promise<void>;
  app(hash: string): Promise<Uint8Array | undefined>;
}

export interface SettingsStore {
  setting(key: string): Promise<SettingValue | undefined>;
  putSetting(key: string, value: SettingValue): Promise<void>;
  /**
   * Change a setting in one step, atomic across tabs (a read then a put in two would lose a
   * change made between them): `change` gets the current value (a copy) and returns the next
   * one, or undefined to leave it. Returns the value kept.
   */
  updateSetting(key: string, change: (current: SettingValue | undefined) => SettingValue | undefined): Promise<SettingValue | undefined>;
}

/** Alerts: one node-wide list (src/core/alerts). */
export interface AlertStore {
  /** The alerts kept, newest (last seen) first. */
  alerts(): Promise<AlertRecord[]>;
  /**
   * Change the alerts in one step, atomic across tabs: `change` gets the current list and
   * returns the next one (or undefined: no change). The store keeps the newest
   * MAX_ALERTS_KEPT and returns what it kept.
   */
  updateAlerts(change: (current: AlertRecord[]) => AlertRecord[] | undefined): Promise<AlertRecord[]>;
}

/**
 * Metrics (src/node/metrics): each context's health series, kept across reloads. Saving a
 * series does not notify `onChange` listeners: nothing else acts on it, and the metrics
 * service saves every 30 s.
 */
export interface MetricsStore {
  /** Replace a context's stored series; only its newest MAX_POINTS_PER_CONTEXT points are kept. */
  putMetrics(record: MetricsRecord): Promise<void>;
  /** Every context's stored series. */
  metrics(): Promise<MetricsRecord[]>;
}

/**
 * Verified history (src/node/contexts/context/persistence.ts; docs/decisions/stored-verdicts.md):
 * seals say "this node verified these ops" under a per-profile MAC key, so a reload need not
 * check their signatures again. The store only keeps them; the MAC is checked by whoever reads.
 */
export interface SealStore {
  /** The profile's MAC key for seals (non-extractable HMAC); first writer wins, like the vault key. */
  ensureSealKey(candidate: CryptoKey): Promise<CryptoKey>;
  /** A context's seals, oldest first. */
  seals(context: string): Promise<SealRecord[]>;
  /** Add one seal and delete the listed ones (by seq) in one step; returns the new seal's seq. */
  replaceSeals(context: string, add: NewSeal, remove: number[]): Promise<number>;
  /**
   * `replaceSeals` and `putOps` of the ops the seal vouches for, in one step: a write path
   * stores each op with its seal in one transaction, not two, and never an op's seal without
   * the op. Ops already stored are skipped. Returns the new seal's seq.
   */
  putSealedOps(context: string, ops: StoredOp[], add: NewSeal, remove: number[]): Promise<number>;
}

/** An op as a context's history keeps it: its id (hex) and canonical bytes. */
export interface StoredOp {
  key: string;
  bytes: Uint8Array;
}

/** A seal to add: its entries and MAC (the store gives it its seq). */
export type NewSeal = Pick<SealRecord, 'entries' | 'mac'>;

/** A seal of verified ops: their entries (id ‖ signature, 96 bytes each) and a MAC over them. */
export interface SealRecord {
  context: string;
  seq: number;
  entries: Uint8Array;
  mac: Uint8Array;
}

/**
 * What a change touched: `identity` is who signs here (root, device key, delegations,
 * revocations, box and vault keys); `history` a context's ops, seals and snapshot, written
 * on every op (the running context reports those changes itself); `other` the rest.
 */
export type StoreArea = 'identity' | 'history' | 'other';

/** Whether a change touched more than contexts' histories (which their contexts report themselves). */
export const beyondHistory = (areas: ReadonlySet<StoreArea>): boolean => [...areas].some((a) => a !== 'history');

/** Hearing changes (this tab's or another's), and closing the store. */
export interface StoreEvents {
  /**
   * Called after any change, made by this store or by another tab on the same profile, with
   * the areas it touched (listeners that only act on some skip the rest: ops are written often).
   */
  onChange(listener: (areas: ReadonlySet<StoreArea>) => void): () => void;
  close(): Promise<void>;
}

/**
 * Where a node keeps what must survive a reload: every role above. Core depends on these
 * interfaces only, each consumer on the roles it uses; `memoryStore` (tests) and the Dexie
 * adapter (browsers) implement them all, and both pass `storeContract` (one section per
 * role). Several tabs may use one profile's store at once.
 */
export interface Store extends KeyStore, CertificateStore, ContextStore, PrivateStore, EpochKeyStore, AppStore, SettingsStore, AlertStore, MetricsStore, SealStore, StoreEvents {}

/** A context's health series as stored (src/core/metrics). */
export interface MetricsRecord {
  context: string;
  savedAt: number;
  points: HealthPoint[];
}

/** How many rejections a context keeps. */
export const MAX_REJECTIONS_KEPT = 200;

/** Setting a root when the profile already belongs to another one. */
export class RootConflictError extends Error {
  override readonly name = 'RootConflictError';
  constructor(
    readonly existing: RootId,
    readonly attempted: RootId,
  ) {
    super(`this browser profile already belongs to ${existing}; sign out before using ${attempted}`);
  }
}
