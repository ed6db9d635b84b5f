import { bytesEqual } from '../../core/crypto/bytes.ts';
import { Dexie, type EntityTable } from 'dexie';
import { byEpochThenKeyOp, MAX_REJECTIONS_KEPT, RootConflictError, type RejectionRecord, type NewSeal, type SealRecord, type Store, type StoreArea, type StoredOp } from '../../core/store/index.ts';
import { MAX_POINTS_PER_CONTEXT } from '../../core/metrics/point.ts';
import { keepNewest } from '../../core/alerts/index.ts';
import { openDb } from './schema.ts';

export const DEFAULT_DB_NAME = 'tabnode';

/** The Store's area of each table (its `onChange` tells listeners which were written). */
const AREAS: Record<string, StoreArea> = {
  device: 'identity',
  root: 'identity',
  delegations: 'identity',
  revocations: 'identity',
  boxKey: 'identity',
  vault: 'identity',
  sealKey: 'identity',
  ops: 'history',
  seals: 'history',
  snapshots: 'history',
};
const areaOf = (table: string): StoreArea => AREAS[table] ?? 'other';

/**
 * The browser Store: one IndexedDB database per profile, shared by its tabs. Writes that
 * must not race across tabs (device key, root) run in one read-write transaction, which
 * IndexedDB serialises between connections.
 */
export async function dexieStore(name = DEFAULT_DB_NAME): Promise<Store> {
  const db = openDb(name);
  await db.open();
  const listeners = new Set<(areas: ReadonlySet<StoreArea>) => void>();
  const prefix = `idb://${name}/`;
  // Saved metrics notify nobody (see Store): their table is left out.
  const quiet = `${prefix}metrics/`;
  // A context's refused ops are read after every change (alerts, views), and written rarely:
  // they are kept here per context until the table is written, in this tab or another.
  const rejectionsRead = new Map<string, RejectionRecord[]>();
  let rejectionsWrites = 0;
  // Cleared on Dexie's event (any tab) and, here, as soon as this tab's own write settles.
  const rejectionsChanged = () => {
    rejectionsWrites++;
    rejectionsRead.clear();
  };
  // Dexie fires this for writes in this tab and, over BroadcastChannel, in other tabs.
  const onMutated = (parts: Record<string, unknown>) => {
    // Parts are named idb://<database>/<table>/<index>.
    const tables = new Set(Object.keys(parts).flatMap((key) => (key.startsWith(prefix) && !key.startsWith(quiet) ? [key.slice(prefix.length).split('/')[0]!] : [])));
    if (tables.has('rejections')) rejectionsChanged();
    const areas = new Set([...tables].map(areaOf));
    if (areas.size) listeners.forEach((l) => l(areas));
  };
  Dexie.on('storagemutated', onMutated);

  // Inside a transaction that holds `ops`. Ops already stored fail their unique [context+key]
  // index one by one and the rest go in: cheaper than looking them up first, and the replica
  // rarely repeats one.
  async function addOps(context: string, list: StoredOp[]): Promise<void> {
    try {
      await db.ops.bulkAdd(list.map((o) => ({ context, key: o.key, bytes: o.bytes })));
    } catch (e) {
      if (!(e instanceof Dexie.BulkError) || !e.failures.every((f) => f.name === 'ConstraintError')) throw e;
    }
  }

  // Inside a transaction that holds `seals`.
  async function replaceSeals(context: string, add: NewSeal, remove: number[]): Promise<number> {
    if (remove.length) await db.seals.bulkDelete(remove);
    return (await db.seals.add({ context, entries: add.entries, mac: add.mac })) as number;
  }

  return {
    async deviceKey() {
      const record = await db.device.get('this');
      return record && withoutSlot(record);
    },
    ensureDeviceKey: (candidate) =>
      db.transaction('rw', db.device, async () => {
        const existing = await db.device.get('this');
        if (existing) return withoutSlot(existing);
        await db.device.add({ ...candidate, slot: 'this' });
        return candidate;
      }),
    replaceDeviceKey: (current, next) =>
      db.transaction('rw', db.device, async () => {
        const existing = await db.device.get('this');
        if (!existing || !bytesEqual(existing.publicKey, current)) return existing && withoutSlot(existing);
        await db.device.put({ ...next, slot: 'this' });
        return next;
      }),
    async root() {
      const record = await db.root.get('this');
      return record && withoutSlot(record);
    },
    setRoot: (next) =>
      db.transaction('rw', db.root, async () => {
        const existing = await db.root.get('this');
        if (existing && existing.id !== next.id) throw new RootConflictError(existing.id, next.id);
        await db.root.put({ ...next, slot: 'this' });
        return next;
      }),
    clearRoot: () =>
      db.transaction('rw', [db.root, db.device, db.boxKey], async () => {
        await db.root.delete('this');
        await db.device.delete('this');
        await db.boxKey.clear();
      }),
    async putDelegation(record) {
      await db.delegations.put(record);
    },
    delegations: () => db.delegations.toArray(),
    async putRevocation(record) {
      await db.revocations.put(record);
    },
    revocations: () => db.revocations.toArray(),
    async putContext(record) {
      await db.contexts.put(record);
    },
    contexts: () => db.contexts.toArray(),
    putOps: (context, list) => db.transaction('rw', db.ops, () => addOps(context, list)),
    async ops(context) {
      // Primary-key (seq) order within the context: the order they were stored in.
      const rows = await db.ops.where('context').equals(context).sortBy('seq');
      return rows.map((r) => r.bytes);
    },
    async putSnapshot(context, bytes) {
      await db.snapshots.put({ context, bytes });
    },
    async snapshot(context) {
      return (await db.snapshots.get(context))?.bytes;
    },
    putRejections: (records) =>
      db
        .transaction('rw', db.rejections, async () => {
          await db.rejections.bulkAdd(records.map((r) => ({ ...r })));
          for (const context of new Set(records.map((r) => r.context))) {
            const keys = await db.rejections.where('context').equals(context).primaryKeys();
            if (keys.length > MAX_REJECTIONS_KEPT) await db.rejections.bulkDelete((keys as number[]).sort((a, b) => a - b).slice(0, keys.length - MAX_REJECTIONS_KEPT));
          }
        })
        .finally(rejectionsChanged),
    async rejections(context) {
      let kept = rejectionsRead.get(context);
      if (!kept) {
        const writes = rejectionsWrites;
        kept = (await db.rejections.where('context').equals(context).sortBy('seq')).map(({ seq: _seq, ...r }) => r);
        // A write that landed while this read ran may be missing from it: not kept then.
        if (writes === rejectionsWrites) rejectionsRead.set(context, kept);
      }
      return kept.map((r) => ({ ...r }));
    },
    ensureVaultKey: (candidate) => firstKeyWins(db.vault, candidate),
    ensureBoxKey: (candidate) => firstKeyWins(db.boxKey, candidate),
    putPrivate: (context, entries) =>
      db.transaction('rw', db.privates, async () => {
        for (const [key, ciphertext] of entries) {
          if (ciphertext === null) await db.privates.delete([context, key] as unknown as string);
          else await db.privates.put({ context, key, ciphertext });
        }
      }),
    async privateEntries(context) {
      const rows = await db.privates.where('context').equals(context).toArray();
      return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => [r.key, r.ciphertext] as [string, Uint8Array]);
    },
    async putEpochKeys(context, records) {
      await db.epochKeys.bulkPut(records.map((r) => ({ context, keyOp: r.keyOp, epoch: r.epoch, wrapped: r.wrapped })));
    },
    async epochKeys(context) {
      const rows = await db.epochKeys.where('context').equals(context).toArray();
      return rows.map(({ keyOp, epoch, wrapped }) => ({ keyOp, epoch, wrapped })).sort(byEpochThenKeyOp);
    },
    async putApp(hash, bytes) {
      await db.apps.put({ hash, bytes });
    },
    async app(hash) {
      return (await db.apps.get(hash))?.bytes;
    },
    deleteContext: (context) =>
      db.transaction('rw', [db.contexts, db.ops, db.snapshots, db.rejections, db.privates, db.epochKeys, db.seals], async () => {
        await db.contexts.delete(context);
        await db.ops.where('context').equals(context).delete();
        await db.snapshots.delete(context);
        await db.rejections.where('context').equals(context).delete();
        await db.privates.where('context').equals(context).delete();
        await db.epochKeys.where('context').equals(context).delete();
        await db.seals.where('context').equals(context).delete();
      }).finally(rejectionsChanged),
    async setting(key) {
      return (await db.settings.get(key))?.value;
    },
    updateSetting: (key, change) =>
      db.transaction('rw', db.settings, async () => {
        const current = (await db.settings.get(key))?.value;
        const next = change(structuredClone(current));
        if (next === undefined) return current;
        await db.settings.put({ key, value: next });
        return structuredClone(next);
      }),
    async putSetting(key, value) {
      await db.settings.put({ key, value });
    },
    async alerts() {
      return keepNewest(await db.alerts.toArray());
    },
    updateAlerts: (change) =>
      db.transaction('rw', db.alerts, async () => {
        const before = await db.alerts.toArray();
        const proposed = change(structuredClone(before));
        if (!proposed) return keepNewest(before);
        const next = keepNewest(proposed);
        // Write only what changed: most updates touch one alert of hundreds.
        const old = new Map(before.map((a) => [a.id, JSON.stringify(a)]));
        const kept = new Set(next.map((a) => a.id));
        await db.alerts.bulkPut(next.filter((a) => old.get(a.id) !== JSON.stringify(a)));
        await db.alerts.bulkDelete(before.filter((a) => !kept.has(a.id)).map((a) => a.id));
        return next;
      }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      Dexie.on('storagemutated').unsubscribe(onMutated);
      db.close();
    },

    // Metrics.
    async putMetrics(record) {
      await db.metrics.put({ ...record, points: record.points.slice(-MAX_POINTS_PER_CONTEXT) });
    },
    metrics: () => db.metrics.toArray(),

    // Verified history: seals.
    ensureSealKey: (candidate) => firstKeyWins(db.sealKey, candidate),
    async seals(context) {
      const rows = await db.seals.where('context').equals(context).sortBy('seq');
      return rows as SealRecord[];
    },
    replaceSeals: (context, add, remove) => db.transaction('rw', db.seals, () => replaceSeals(context, add, remove)),
    putSealedOps: (context, list, add, remove) =>
      db.transaction('rw', db.ops, db.seals, async () => {
        await addOps(context, list);
        return replaceSeals(context, add, remove);
      }),
  };
}

/** Keep `candidate` in a one-key table unless a key is there already; return the stored one (atomic across tabs). */
function firstKeyWins<K>(table: EntityTable<KeySlot<K>, 'slot'>, candidate: K): Promise<K> {
  return table.db.transaction('rw', table, async () => {
    const existing = await table.get('this');
    if (existing) return existing.key;
    const row: KeySlot<K> = { slot: 'this', key: candidate };
    // Dexie's insert type cannot be worked out for a generic row; the row is the table's own type.
    await (table as EntityTable<KeySlot<unknown>, 'slot'>).add(row);
    return candidate;
  });
}

type KeySlot<K> = { slot: 'this'; key: K };

function withoutSlot<T extends { slot: string }>(record: T): Omit<T, 'slot'> {
  const { slot: _slot, ...rest } = record;
  return rest;
}

