import type { SignatureCheck } from '../../core/crypto/index.ts';

/**
 * Signature checks packed for a worker: all bytes in one buffer and three end offsets per
 * check (public key, message, signature), so a chunk crosses threads as two transfers.
 */
export interface PackedChecks {
  bytes: Uint8Array;
  ends: Uint32Array;
}

export function packChecks(checks: readonly SignatureCheck[]): PackedChecks {
  let size = 0;
  for (const c of checks) size += c.publicKey.length + c.message.length + c.signature.length;
  const bytes = new Uint8Array(size);
  const ends = new Uint32Array(checks.length * 3);
  let at = 0;
  checks.forEach((c, i) => {
    for (const [j, part] of [c.publicKey, c.message, c.signature].entries()) {
      bytes.set(part, at);
      at += part.length;
      ends[i * 3 + j] = at;
    }
  });
  return { bytes, ends };
}

/** The checks back out of a packed chunk; a malformed packing yields no checks rather than throwing. */
export function unpackChecks({ bytes, ends }: PackedChecks): SignatureCheck[] {
  const out: SignatureCheck[] = [];
  if (!(bytes instanceof Uint8Array) || !(ends instanceof Uint32Array) || ends.length % 3 !== 0) return out;
  let at = 0;
  const part = (end: number) => {
    const p = bytes.subarray(at, Math.max(at, Math.min(end, bytes.length)));
    at = Math.max(at, end);
    return p;
  };
  for (let i = 0; i < ends.length; i += 3) out.push({ publicKey: part(ends[i]!), message: part(ends[i + 1]!), signature: part(ends[i + 2]!) });
  return out;
}

/** Worker → pool: one verdict byte per check (1 valid, 0 not), for the chunk `id`. */
export interface VerifyReply {
  id: number;
  valid: Uint8Array;
}

export interface VerifyRequest {
  id: number;
  checks: PackedChecks;
}
