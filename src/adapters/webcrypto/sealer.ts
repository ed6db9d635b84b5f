import type { Sealer } from '../../core/context/seals.ts';
import { concatBytes } from '../../core/crypto/index.ts';
import type { Store } from '../../core/store/index.ts';

const DOMAIN = new TextEncoder().encode('tabnode/seal/v1\0');

/**
 * Seals of verified history under an HMAC-SHA-256 key generated non-extractable in WebCrypto
 * and kept in the profile's store (like the vault key): script in the page can use it while
 * it runs, but its bytes never leave WebCrypto, so records edited outside the app (devtools
 * on the IndexedDB files, another program) cannot be given a valid MAC.
 */
export async function openSealer(store: Store): Promise<Sealer> {
  const subtle = globalThis.crypto.subtle;
  const candidate = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const key = await store.ensureSealKey(candidate);
  // The MAC binds the context too: a seal copied to another context vouches for nothing there.
  const message = (context: string, entries: Uint8Array) => concatBytes(DOMAIN, new TextEncoder().encode(`${context}\0`), entries) as BufferSource;
  return {
    mac: async (context, entries) => new Uint8Array(await subtle.sign('HMAC', key, message(context, entries))),
    check: (context, entries, mac) => subtle.verify('HMAC', key, mac as BufferSource, message(context, entries)),
  };
}

const opened = new WeakMap<Store, Promise<Sealer>>();

/** One sealer per store: every context of a node shares the profile's key. */
export function sealerFor(store: Store): Promise<Sealer> {
  let sealer = opened.get(store);
  if (!sealer) opened.set(store, (sealer = openSealer(store)));
  return sealer;
}
