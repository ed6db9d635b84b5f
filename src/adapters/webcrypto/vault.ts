import type { KeyStore } from '../../core/store/index.ts';

/**
 * Private storage at rest: AES-GCM under a non-extractable key kept in IndexedDB. Each
 * ciphertext is bound to its context and key (additional data), so a ciphertext moved to
 * another slot fails to open instead of passing for that slot's value.
 */
export interface PrivateVault {
  seal(context: string, key: string, value: Uint8Array): Promise<Uint8Array>;
  open(context: string, key: string, sealed: Uint8Array): Promise<Uint8Array>;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

const IV_BYTES = 12;

export async function openVault(store: Pick<KeyStore, 'ensureVaultKey'>): Promise<PrivateVault> {
  const subtle = globalThis.crypto.subtle;
  const candidate = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const key = await store.ensureVaultKey(candidate);
  const aad = (context: string, k: string) => new TextEncoder().encode(`${context}\0${k}`);
  return {
    async seal(context, k, value) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(context, k) }, key, value as BufferSource));
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return out;
    },
    async open(context, k, sealed) {
      try {
        const plain = await subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.slice(0, IV_BYTES), additionalData: aad(context, k) },
          key,
          sealed.subarray(IV_BYTES) as BufferSource,
        );
        return new Uint8Array(plain);
      } catch {
        throw new VaultError(`private value "${k}" of context ${context.slice(0, 12)}… does not open: damaged, or not from this browser profile`);
      }
    },
  };
}
