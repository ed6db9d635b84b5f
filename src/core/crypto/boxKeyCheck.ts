/**
 * Whether 32 bytes can serve as a box key (an X25519 public key) that epoch keys are sealed
 * to, checked synchronously from the bytes alone, so relays and members judge ops naming one
 * alike. WebCrypto refuses to seal to a low-order point (the shared secret is all zeros:
 * `sealToBoxKey` throws), so a registered low-order key would make every rotation that must
 * include it fail. A non-canonical encoding names the same point as a canonical one (X25519
 * ignores the top bit and reduces mod p); refusing it keeps "one box key, one encoding", so
 * comparing box keys as bytes (who registered which) means comparing keys.
 */
const P = 2n ** 255n - 19n;

/** The u-coordinates (mod p) of the points of order 1, 2, 4 and 8 on Curve25519 and its twist. */
const LOW_ORDER = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
]);

/** Why `key` cannot be a box key, or undefined if it can. */
export function boxKeyProblem(key: Uint8Array): string | undefined {
  if (key.length !== 32) return `a box key is 32 bytes, this one ${key.length}`;
  if ((key[31]! & 0x80) !== 0) return 'the box key is not canonical: its top bit is set (X25519 ignores it, so the same key has two encodings)';
  let u = 0n;
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(key[i]!);
  if (u >= P) return 'the box key is not canonical: it is not reduced modulo 2^255 - 19';
  if (LOW_ORDER.has(u)) return 'the box key is a low-order X25519 point: every key sealed to it would be sealed under an all-zero secret, so nothing can be sealed to it';
  return undefined;
}
