import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256, synchronous so content ids can be computed anywhere. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** SHA-256 over a domain tag and the data, so one hash can never be replayed as another kind. */
export function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  const tagBytes = new TextEncoder().encode(tag);
  const input = new Uint8Array(tagBytes.length + 1 + data.length);
  input.set(tagBytes);
  input[tagBytes.length] = 0; // separator: tags never contain NUL
  input.set(data, tagBytes.length + 1);
  return nobleSha256(input);
}
