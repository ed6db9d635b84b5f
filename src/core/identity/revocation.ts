import { encodeWith, envelope, fixedBytes, string, struct, taggedUnion, varuint, type Codec, type Infer } from '../codec/index.ts';
import { concatBytes, verifyEd25519, type Signer } from '../crypto/index.ts';
import { localRootId, localRootPublicKey, parseRootId, rootIdField } from './rootId.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

const claimsSchema = struct({
  root: rootIdField,
  clientKey: fixedBytes(32),
  revokedAt: varuint,
  reason: string(200),
});

const proofSchema = taggedUnion({
  ed25519: struct({ signature: fixedBytes(64) }),
});

export type RevocationClaims = Infer<typeof claimsSchema>;
export type RevocationProof = Infer<typeof proofSchema>;
/** A root's signed statement that one of its client keys no longer acts for it. */
export interface Revocation {
  claims: RevocationClaims;
  proof: RevocationProof;
}

/** Canonical bytes of a revocation. Tag 0x11, version 1. */
export const revocationCodec = envelope<Revocation>(
  0x11,
  1,
  1024,
  struct({ claims: claimsSchema, proof: proofSchema }) as Codec<Revocation>,
);

const DOMAIN = new TextEncoder().encode('tabnode/revocation/v1\0');

export function revocationSigningBytes(claims: RevocationClaims): Uint8Array {
  return concatBytes(DOMAIN, encodeWith(claimsSchema, claims));
}

export async function signLocalRevocation(root: Signer, claims: Omit<RevocationClaims, 'root'>): Promise<Revocation> {
  const full: RevocationClaims = { ...claims, root: localRootId(root.publicKey) };
  return { claims: full, proof: { kind: 'ed25519', signature: await root.sign(revocationSigningBytes(full)) } };
}

export type RevocationRefusal = 'malformed' | 'proof-mismatch' | 'bad-signature';

/** Check that a revocation was made by the root it names. Takes effect whatever its time says. */
export async function verifyRevocation(r: Revocation): Promise<Verdict<RevocationRefusal>> {
  let kind;
  try {
    kind = parseRootId(r.claims.root).kind;
  } catch (e) {
    return refuse('malformed', (e as Error).message);
  }
  if (kind !== 'local' || r.proof.kind !== 'ed25519') {
    return refuse('proof-mismatch', `a ${kind} root cannot prove a revocation with a ${r.proof.kind} signature`);
  }
  const ok = await verifyEd25519(localRootPublicKey(r.claims.root), revocationSigningBytes(r.claims), r.proof.signature);
  return ok ? accept : refuse('bad-signature', `the revocation was not signed by ${r.claims.root}`);
}
