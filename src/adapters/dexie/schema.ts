import { Dexie, type EntityTable } from 'dexie';
import type { DelegationRecord, DeviceKeyRecord, RevocationRecord, RootRecord, SettingValue } from '../../core/store/index.ts';

type Slotted<T> = T & { slot: 'this' };

/** The profile database. Bump the version and add an upgrade for every schema change. */
export interface TabnodeDb extends Dexie {
  device: EntityTable<Slotted<DeviceKeyRecord>, 'slot'>;
  root: EntityTable<Slotted<RootRecord>, 'slot'>;
  delegations: EntityTable<DelegationRecord, 'clientKey'>;
  revocations: EntityTable<RevocationRecord, 'clientKey'>;
  settings: EntityTable<{ key: string; value: SettingValue }, 'key'>;
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
  return db;
}
