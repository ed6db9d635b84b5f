import { DecodeError, encodeWith, envelope, fixedBytes, string, struct, taggedUnion, varuint, type Codec, type Infer } from '../codec/index.ts';
import { concatBytes, isValidEd25519PublicKey, verifyEd25519, type Signer } from '../crypto/index.ts';
import { localRootId, localRootPublicKey, parseRootId, rootIdField, type RootId } from './rootId.ts';
import {
  SIWE_LIMITS,
  SIWE_NONCE,
  delegationMessage,
  ethereumRootId,
  recoverMessageSigner,
  signatureBytes,
  type EthereumMessageSigner,
  type SiweFields,
} from './siwe.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/** Bounds on what a delegation may say. */
export const DELEGATION_LIMITS = {
  labelBytes: 64,
  /** A delegation lives at most this long; renew before it ends. */
  maxLifetimeMs: 400 * 24 * 3600 * 1000,
  /** Clocks disagree: a delegation issued this far in the future is still accepted. */
  clockSkewMs: 5 * 60 * 1000,
  encodedBytes: 2048,
} as const;

export const DEFAULT_DELEGATION_LIFETIME_MS = 90 * 24 * 3600 * 1000;

const claimsSchema = struct({
  root: rootIdField,
  clientKey: fixedBytes(32),
  label: string(DELEGATION_LIMITS.labelBytes),
  issuedAt: varuint,
  expiresAt: varuint,
});

/** A SIWE nonce on the wire: 8 to 64 ASCII letters and digits, or the message is malformed. */
const nonceField: Codec<string> = {
  encode: (w, v) => nonceText.encode(w, v),
  decode(r) {
    const at = r.pos;
    const text = nonceText.decode(r);
    if (!SIWE_NONCE.test(text)) throw new DecodeError('invalid-value', 'a nonce is 8 to 64 ASCII letters and digits', at);
    return text;
  },
};
const nonceText = string(SIWE_LIMITS.nonceMax);

/**
 * How the root proved it made the claims. Append new variants only: the index is the tag.
 * - `ed25519`: a local root's signature over `delegationSigningBytes(claims)`;
 * - `eip4361`: an Ethereum account's EIP-191 signature over the SIWE message rebuilt from
 *   the claims and these fields (see siwe.ts).
 */
const proofSchema = taggedUnion({
  ed25519: struct({ signature: fixedBytes(64) }),
  eip4361: struct({
    domain: string(SIWE_LIMITS.domainBytes),
    uri: string(SIWE_LIMITS.uriBytes),
    nonce: nonceField,
    signature: fixedBytes(65),
  }),
});

const delegationSchema = struct({ claims: claimsSchema, proof: proofSchema });

/** What a root states: "client key K acts for me, labelled L, from issuedAt until expiresAt". */
export type DelegationClaims = Infer<typeof claimsSchema>;
export type DelegationProof = Infer<typeof proofSchema>;
/** A certificate by which a root authorizes a client key until an expiry. */
export interface Delegation {
  claims: DelegationClaims;
  proof: DelegationProof;
}

/** Canonical bytes of a delegation, for storage and the wire. Tag 0x10, version 1. */
export const delegationCodec = envelope<Delegation>(0x10, 1, DELEGATION_LIMITS.encodedBytes, delegationSchema as Codec<Delegation>);

const DOMAIN = new TextEncoder().encode('tabnode/delegation/v1\0');

/** The bytes a local root signs: a domain tag, then the canonical claims. */
export function delegationSigningBytes(claims: DelegationClaims): Uint8Array {
  return concatBytes(DOMAIN, encodeWith(claimsSchema, claims));
}

/** A local root (an Ed25519 signer whose key is the root id) delegates a client key. */
export async function signLocalDelegation(root: Signer, claims: Omit<DelegationClaims, 'root'>): Promise<Delegation> {
  const full: DelegationClaims = { ...claims, root: localRootId(root.publicKey) };
  return { claims: full, proof: { kind: 'ed25519', signature: await root.sign(delegationSigningBytes(full)) } };
}

/**
 * An Ethereum account (EOA) delegates a client key: the SIWE message is built from the
 * claims and `fields` (the challenge: requesting domain and URI, the node's nonce) and the
 * account signs it with EIP-191 `personal_sign`. Throws if the answer is not a signature by
 * `account.address`.
 */
export async function signEthereumDelegation(
  account: EthereumMessageSigner,
  claims: Omit<DelegationClaims, 'root'> & { chainId: number },
  fields: SiweFields,
): Promise<Delegation> {
  const { chainId, ...rest } = claims;
  const full: DelegationClaims = { ...rest, root: (await ethereumRootId(chainId, account.address)) as RootId };
  const message = await delegationMessage(full, fields);
  const signature = await signatureBytes(await account.signMessage({ message }));
  const signer = await recoverMessageSigner(message, signature);
  if (signer?.toLowerCase() !== account.address.toLowerCase()) {
    throw new Error(`the wallet signed with ${signer ?? 'an invalid signature'}, not with ${account.address}`);
  }
  return { claims: full, proof: { kind: 'eip4361', domain: fields.domain, uri: fields.uri, nonce: fields.nonce, signature } };
}

export type DelegationRefusal =
  | 'malformed'
  | 'invalid-client-key'
  | 'proof-mismatch'
  | 'bad-signature'
  | 'not-yet-valid'
  | 'expired'
  | 'too-long-lived';

/**
 * Check a delegation offline: its root's proof, the client key, and its validity window at
 * `now` (ms since epoch, supplied by the caller so the check stays pure).
 */
export async function verifyDelegation(d: Delegation, now: number): Promise<Verdict<DelegationRefusal>> {
  const { claims, proof } = d;
  let kind;
  try {
    kind = parseRootId(claims.root).kind;
  } catch (e) {
    return refuse('malformed', (e as Error).message);
  }
  if (!isValidEd25519PublicKey(claims.clientKey)) {
    return refuse('invalid-client-key', 'the delegated client key is not a valid Ed25519 public key');
  }
  if (claims.expiresAt <= claims.issuedAt) return refuse('malformed', 'the delegation expires before it is issued');
  if (claims.expiresAt - claims.issuedAt > DELEGATION_LIMITS.maxLifetimeMs) {
    return refuse('too-long-lived', `a delegation may last at most ${DELEGATION_LIMITS.maxLifetimeMs / 86_400_000} days`);
  }
  if (kind === 'local' && proof.kind === 'ed25519') {
    const rootKey = localRootPublicKey(claims.root);
    if (!(await verifyEd25519(rootKey, delegationSigningBytes(claims), proof.signature))) {
      return refuse('bad-signature', `the signature was not made by ${claims.root} over these claims (tampered, or signed by another root)`);
    }
  } else if (kind === 'ethereum' && proof.kind === 'eip4361') {
    let message;
    try {
      message = await delegationMessage(claims, proof);
    } catch (e) {
      return refuse('malformed', (e as Error).message);
    }
    const signer = await recoverMessageSigner(message, proof.signature);
    if (signer === null) return refuse('bad-signature', 'the EIP-4361 signature is not a valid 65-byte low-s secp256k1 signature');
    const expected = parseRootId(claims.root).address;
    if (signer.toLowerCase() !== expected.toLowerCase()) {
      return refuse('bad-signature', `the EIP-4361 message was signed by ${signer}, not by ${expected} (tampered claims, or another account)`);
    }
  } else {
    const wanted = kind === 'local' ? 'an ed25519' : kind === 'ethereum' ? 'an eip4361' : 'no supported';
    return refuse('proof-mismatch', `a ${kind} root cannot prove a delegation with a ${proof.kind} proof (it takes ${wanted} proof)`);
  }
  if (claims.issuedAt > now + DELEGATION_LIMITS.clockSkewMs) {
    return refuse('not-yet-valid', `the delegation is issued in the future (${new Date(claims.issuedAt).toISOString()})`);
  }
  if (now >= claims.expiresAt) return refuse('expired', `the delegation expired at ${new Date(claims.expiresAt).toISOString()}`);
  return accept;
}
