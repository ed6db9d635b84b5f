import { keepNewest } from '../alerts/alertBook.ts';
import type { AlertRecord } from '../alerts/alert.ts';
import type { BoxKeyPair } from '../crypto/hpke.ts';
import { bytesEqual } from '../crypto/bytes.ts';
import type { ContextRecord, DelegationRecord, DeviceKeyRecord, EpochKeyRecord, MetricsRecord, RejectionRecord, RevocationRecord, RootRecord, NewSeal, SealRecord, SettingValue, Store, StoreArea, StoredOp } from './Store.ts';
import { MAX_POINTS_PER_CONTEXT } from '../metrics/point.ts';
import { byEpochThenKeyOp, MAX_REJECTIONS_KEPT, RootConflictError } from './Store.ts';


/** A Store in memory: for tests, simulations and as the reference the contract suite checks. */
export function memoryStore(): Store {
  let device: DeviceKeyRecord | undefined;
  let root: RootRecord | undefined;
  const delegations = new Map<string, DelegationRecord>();
  const revocations = new Map<string, RevocationRecord>();
  const settings = new Map<string, SettingValue>();
  const contexts = new Map<string, ContextRecord>();
  const ops = new Map<string, Map<string, Uint8Array>>();
  const snapshots = new Map<string, Uint8Array>();
  const rejections = new Map<string, RejectionRecord[]>();
  let vaultKey: CryptoKey | undefined;
  let boxKey: BoxKeyPair | undefined;
  const privates = new Map<string, Map<string, Uint8Array>>();
  const epochKeys = new Map<string, Map<string, EpochKeyRecord>>();
  const apps = new Map<string, Uint8Array>();
  const metrics = new Map<string, MetricsRecord>();
  let alerts: AlertRecord[] = [];
  let sealKey: CryptoKey | undefined;
  const seals = new Map<string, SealRecord[]>();
  let sealSeq = 0;
  const listeners = new Set<(areas: ReadonlySet<StoreArea>) => void>();
  const changed = (area: StoreArea) => queueMicrotask(() => listeners.forEach((l) => l(new Set([area]))));

  function addOps(context: string, list: StoredOp[]): void {
    let stored = ops.get(context);
    if (!stored) ops.set(context, (stored = new Map()));
    for (const { key, bytes } of list) if (!stored.has(key)) stored.set(key, bytes.slice());
  }

  function replaceSeals(context: string, add: NewSeal, remove: number[]): number {
    const gone = new Set(remove);
    const seq = ++sealSeq;
    const kept = (seals.get(context) ?? []).filter((r) => !gone.has(r.seq));
    kept.push({ context, seq, entries: add.entries.slice(), mac: add.mac.slice() });
    seals.set(context, kept);
    return seq;
  }

  return {
    deviceKey: async () => device,
    async ensureDeviceKey(candidate) {
      if (!device) {
        device = candidate;
        changed('identity');
      }
      return device;
    },
    async replaceDeviceKey(current, next) {
      if (device && bytesEqual(device.publicKey, current)) {
        device = next;
        changed('identity');
      }
      return device;
    },
    root: async () => root,
    async setRoot(next) {
      if (root && root.id !== next.id) throw new RootConflictError(root.id, next.id);
      root = next;
      changed('identity');
      return root;
    },
    async clearRoot() {
      root = undefined;
      device = undefined;
      boxKey = undefined;
      changed('identity');
    },
    async putDelegation(record) {
      delegations.set(record.clientKey, record);
      changed('identity');
    },
    delegations: async () => [...delegations.values()],
    async putRevocation(record) {
      revocations.set(record.clientKey, record);
      changed('identity');
    },
    revocations: async () => [...revocations.values()],
    async putContext(record) {
      contexts.set(record.id, structuredClone(record));
      changed('other');
    },
    contexts: async () => [...contexts.values()].map((c) => structuredClone(c)),
    async putOps(context, list) {
      addOps(context, list);
      changed('history');
    },
    ops: async (context) => [...(ops.get(context)?.values() ?? [])],
    async putSnapshot(context, bytes) {
      snapshots.set(context, bytes.slice());
    },
    snapshot: async (context) => snapshots.get(context),
    async putRejections(records) {
      for (const r of records) {
        const list = rejections.get(r.context) ?? [];
        list.push({ ...r });
        rejections.set(r.context, list.slice(-MAX_REJECTIONS_KEPT));
      }
      changed('other');
    },
    rejections: async (context) => [...(rejections.get(context) ?? [])],
    async ensureVaultKey(candidate) {
      vaultKey ??= candidate;
      return vaultKey;
    },
    async ensureBoxKey(candidate) {
      boxKey ??= candidate;
      return boxKey;
    },
    async putPrivate(context, entries) {
      let slot = privates.get(context);
      if (!slot) privates.set(context, (slot = new Map()));
      for (const [k, v] of entries) {
        if (v === null) slot.delete(k);
        else slot.set(k, v.slice());
      }
    },
    privateEntries: async (context) => [...(privates.get(context) ?? new Map<string, Uint8Array>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    async putEpochKeys(context, records) {
      let kept = epochKeys.get(context);
      if (!kept) epochKeys.set(context, (kept = new Map()));
      for (const r of records) kept.set(r.keyOp, { keyOp: r.keyOp, epoch: r.epoch, wrapped: r.wrapped.slice() });
      changed('other');
    },
    epochKeys: async (context) =>
      [...(epochKeys.get(context)?.values() ?? [])].map((r) => ({ ...r, wrapped: r.wrapped.slice() })).sort(byEpochThenKeyOp),
    async putApp(hash, bytes) {
      apps.set(hash, bytes.slice());
    },
    app: async (hash) => apps.get(hash),
    async deleteContext(context) {
      contexts.delete(context);
      ops.delete(context);
      snapshots.delete(context);
      rejections.delete(context);
      privates.delete(context);
      epochKeys.delete(context);
      seals.delete(context);
      changed('other');
    },
    setting: async (key) => structuredClone(settings.get(key)),
    async updateSetting(key, change) {
      const next = change(structuredClone(settings.get(key)));
      if (next === undefined) return structuredClone(settings.get(key));
      settings.set(key, structuredClone(next));
      changed('other');
      return structuredClone(next);
    },
    async putSetting(key, value) {
      settings.set(key, structuredClone(value));
      changed('other');
    },
    alerts: async () => structuredClone(alerts),
    async updateAlerts(change) {
      const next = change(structuredClone(alerts));
      if (next) {
        alerts = keepNewest(structuredClone(next));
        changed('other');
      }
      return structuredClone(alerts);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },

    // Metrics: no change notification (see Store).
    async putMetrics(record) {
      metrics.set(record.context, structuredClone({ ...record, points: record.points.slice(-MAX_POINTS_PER_CONTEXT) }));
    },
    metrics: async () => [...metrics.values()].map((r) => structuredClone(r)),

    // Verified history: seals.
    async ensureSealKey(candidate) {
      sealKey ??= candidate;
      return sealKey;
    },
    seals: async (context) => (seals.get(context) ?? []).map((r) => ({ ...r, entries: r.entries.slice(), mac: r.mac.slice() })),
    replaceSeals: async (context, add, remove) => replaceSeals(context, add, remove),
    async putSealedOps(context, list, add, remove) {
      addOps(context, list);
      const seq = replaceSeals(context, add, remove);
      changed('history');
      return seq;
    },
  };
}
