import type { DelegationRecord, DeviceKeyRecord, RevocationRecord, RootRecord, SettingValue, Store } from './Store.ts';
import { RootConflictError } from './Store.ts';

/** A Store in memory: for tests, simulations and as the reference the contract suite checks. */
export function memoryStore(): Store {
  let device: DeviceKeyRecord | undefined;
  let root: RootRecord | undefined;
  const delegations = new Map<string, DelegationRecord>();
  const revocations = new Map<string, RevocationRecord>();
  const settings = new Map<string, SettingValue>();
  const listeners = new Set<() => void>();
  const changed = () => queueMicrotask(() => listeners.forEach((l) => l()));

  return {
    deviceKey: async () => device,
    async ensureDeviceKey(candidate) {
      if (!device) {
        device = candidate;
        changed();
      }
      return device;
    },
    root: async () => root,
    async setRoot(next) {
      if (root && root.id !== next.id) throw new RootConflictError(root.id, next.id);
      root = next;
      changed();
      return root;
    },
    async clearRoot() {
      root = undefined;
      changed();
    },
    async putDelegation(record) {
      delegations.set(record.clientKey, record);
      changed();
    },
    delegations: async () => [...delegations.values()],
    async putRevocation(record) {
      revocations.set(record.clientKey, record);
      changed();
    },
    revocations: async () => [...revocations.values()],
    setting: async (key) => structuredClone(settings.get(key)),
    async putSetting(key, value) {
      settings.set(key, structuredClone(value));
      changed();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
