import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256, synchronous so content ids can be computed anywhere. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/**
 * A hasher for one domain tag: SHA-256 over the tag's UTF-8 bytes, a NUL, then the parts.
 * The tag is encoded and absorbed once; every call resumes from that state, so hashing
 * many small things (op ids, Merkle nodes) costs no more than the data itself.
 */
export function taggedHasher(tag: string): (...parts: Uint8Array[]) => Uint8Array {
  const tagBytes = new TextEncoder().encode(tag);
  if (tagBytes.includes(0)) throw new TypeError('a hash tag cannot contain NUL');
  const prefix = nobleSha256.create().update(tagBytes).update(new Uint8Array([0]));
  return (...parts) => {
    const h = prefix.clone();
    for (const p of parts) h.update(p);
    return h.digest();
  };
}

const hashers = new Map<string, (...parts: Uint8Array[]) => Uint8Array>();

/** SHA-256 over a domain tag and the data, so one hash can never be replayed as another kind. */
export function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  let hasher = hashers.get(tag);
  if (!hasher) hashers.set(tag, (hasher = taggedHasher(tag)));
  return hasher(data);
}
