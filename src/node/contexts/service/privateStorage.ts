import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';
import type { PrivateStore } from '../../../core/store/index.ts';
import type { ContextDeps } from '../openContext.ts';

/** A member's private storage as a context sees it: plaintext there, sealed by the vault at rest. */
export function sealedPrivateStorage(store: PrivateStore, vault: PrivateVault): ContextDeps['privateStorage'] {
  return {
    async load(context) {
      const sealed = await store.privateEntries(context);
      return Promise.all(sealed.map(async ([k, v]) => [k, await vault.open(context, k, v)] as [string, Uint8Array]));
    },
    async write(context, writes) {
      const sealed = await Promise.all(writes.map(async ([k, v]) => [k, v === null ? null : await vault.seal(context, k, v)] as [string, Uint8Array | null]));
      await store.putPrivate(context, sealed);
    },
  };
}
