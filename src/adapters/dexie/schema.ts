import { Dexie, type EntityTable } from 'dexie';
import type { AlertRecord } from '../../core/alerts/index.ts';
import type { BoxKeyPair } from '../../core/crypto/index.ts';
import type { ContextRecord, DelegationRecord, DeviceKeyRecord, EpochKeyRecord, MetricsRecord, RejectionRecord, RevocationRecord, RootRecord, SealRecord, SettingValue } from '../../core/store/index.ts';

type Slotted<T> = T & { slot: 'this' };

/** The profile database. Bump the version and add an upgrade for every schema change. */
export interface TabnodeDb extends Dexie {
  device: EntityTable<Slotted<DeviceKeyRecord>, 'slot'>;
  root: EntityTable<Slotted<RootRecord>, 'slot'>;
  delegations: EntityTable<DelegationRecord, 'clientKey'>;
  revocations: EntityTable<RevocationRecord, 'clientKey'>;
  settings: EntityTable<{ key: string; value: SettingValue }, 'key'>;
  contexts: EntityTable<ContextRecord, 'id'>;
  ops: EntityTable<{ seq?: number; context: string; key: string; bytes: Uint8Array }, 'seq'>;
  snapshots: EntityTable<{ context: string; bytes: Uint8Array }, 'context'>;
  rejections: EntityTable<RejectionRecord & { seq?: number }, 'seq'>;
  vault: EntityTable<{ slot: 'this'; key: CryptoKey }, 'slot'>;
  privates: EntityTable<{ context: string; key: string; ciphertext: Uint8Array }, 'context'>;
  apps: EntityTable<{ hash: string; bytes: Uint8Array }, 'hash'>;
  metrics: EntityTable<MetricsRecord, 'context'>;
  alerts: EntityTable<AlertRecord, 'id'>;
  sealKey: EntityTable<{ slot: 'this'; key: CryptoKey }, 'slot'>;
  seals: EntityTable<Omit<SealRecord, 'seq'> & { seq?: number }, 'seq'>;
  boxKey: EntityTable<{ slot: 'this'; key: BoxKeyPair }, 'slot'>;
  epochKeys: EntityTable<EpochKeyRecord & { context: string }, 'keyOp'>;
}

export function openDb(name: string): TabnodeDb {
  const db = new Dexie(name) as TabnodeDb;
  db.version(1).stores({
    device: '&slot',
    root: '&slot',
    delegations: '&clientKey, root, expiresAt',
    revocations: '&clientKey, root',
    settings: '&key',
  });
  // v2: contexts and their signed histories.
  db.version(2).stores({
    contexts: '&id',
    ops: '++seq, &[context+key], context',
    snapshots: '&context',
    rejections: '++seq, context',
  });
  // v3: private storage (ciphertexts) and application binaries.
  db.version(3).stores({
    vault: '&slot',
    privates: '[context+key], context',
    apps: '&hash',
  });
  // v4: health series of the metrics service (one row per context).
  db.version(4).stores({
    metrics: '&context',
  });
  // v5: the node's alerts.
  db.version(5).stores({
    alerts: '&id, lastSeen',
  });
  // v6: seals of verified history and their MAC key (docs/decisions/stored-verdicts.md).
  db.version(6).stores({
    sealKey: '&slot',
    seals: '++seq, context',
  });
  // v7: the device box key and wrapped epoch keys (docs/decisions/epoch-keys.md).
  db.version(7).stores({
    boxKey: '&slot',
    epochKeys: '[context+keyOp], context',
  });
  return db;
}
