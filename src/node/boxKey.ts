import { generateBoxKeyPair } from '../adapters/webcrypto/boxKeys.ts';
import type { BoxKeyPair } from '../core/crypto/index.ts';
import type { KeyStore } from '../core/store/index.ts';

const kept = new WeakMap<Pick<KeyStore, 'ensureBoxKey'>, Promise<BoxKeyPair>>();

/**
 * This profile's device box key (docs/decisions/epoch-keys.md): made on first use and kept in
 * the store, first writer wins across tabs. One lookup per store: every context of a node
 * shares the key, and concurrent callers do not each generate a candidate. A failure is not
 * remembered, so the next call tries again.
 */
export function deviceBoxKey(store: Pick<KeyStore, 'ensureBoxKey'>): Promise<BoxKeyPair> {
  let key = kept.get(store);
  if (!key) {
    key = generateBoxKeyPair().then((candidate) => store.ensureBoxKey(candidate));
    kept.set(store, key);
    key.catch(() => kept.delete(store));
  }
  return key;
}

/** Sign-out cleared the stored box key (`KeyStore.clearRoot`): the next use makes a new one. */
export function forgetDeviceBoxKey(store: Pick<KeyStore, 'ensureBoxKey'>): void {
  kept.delete(store);
}
