import { DecodeError, bytes, clampUtf8, encodeWith, envelope, fixedBytes, string, struct, taggedUnion, varuint, type Codec, type Infer } from '../codec/index.ts';
import { concatBytes, isValidEd25519PublicKey, type Signer } from '../crypto/index.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import { localRootId, parseRootId, rootIdField, type RootId } from './rootId.ts';
import {
  SIWE_LIMITS,
  SIWE_NONCE,
  delegationMessage,
  ethereumRootId,
  signEthereumMessage,
  type EthereumMessageSigner,
  type SiweFields,
} from './siwe.ts';
import {
  delegationTypedData,
  feltField,
  signStarknetTypedData,
  starknetRootId,
  starknetSignatureField,
  type StarknetTypedDataSigner,
} from './starknet.ts';
import { ProofSigningError, selfCheck, verifyRootProof, type ProofOptions } from './rootProof.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

export { ProofSigningError, type ProofOptions };

/** Bounds on what a delegation may say. */
export const DELEGATION_LIMITS = {
  labelBytes: 64,
  /** A delegation lives at most this long; renew before it ends. */
  maxLifetimeMs: 400 * 24 * 3600 * 1000,
  /** Clocks disagree: a delegation issued this far in the future is still accepted (also the handshake's clock tolerance). */
  clockSkewMs: 10 * 60 * 1000,
  encodedBytes: 2048,
} as const;

/** A device name as a delegation carries it: trimmed, cut to whole characters within the bound, never empty. */
export function delegationLabel(text: string): string {
  return clampUtf8(text.trim(), DELEGATION_LIMITS.labelBytes) || 'This browser';
}

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

/** An ERC-1271 signature: sized so the largest delegation of a canonical Ethereum root still fits `encodedBytes`. */
export const CONTRACT_SIGNATURE_MAX_BYTES = 1024;

/**
 * How the root proved it made the claims. Append new variants only: the index is the tag.
 * - `ed25519`: a local root's signature over `delegationSigningBytes(claims)`;
 * - `eip4361`: an Ethereum account's EIP-191 signature over the SIWE message rebuilt from
 *   the claims and these fields (see siwe.ts);
 * - `snip12`: a Starknet account's signature over the SNIP-12 typed data rebuilt from the
 *   claims and these fields, with the Stark key and account class that tie it to the
 *   address offline (see starknet.ts);
 * - `eip1271`: an Ethereum contract account's signature over the same SIWE message, which
 *   only the contract (ERC-1271, through an RPC) can check.
 */
const proofSchema = taggedUnion({
  ed25519: struct({ signature: fixedBytes(64) }),
  eip4361: struct({
    domain: string(SIWE_LIMITS.domainBytes),
    uri: string(SIWE_LIMITS.uriBytes),
    nonce: nonceField,
    signature: fixedBytes(65),
  }),
  snip12: struct({
    domain: string(SIWE_LIMITS.domainBytes),
    uri: string(SIWE_LIMITS.uriBytes),
    nonce: nonceField,
    publicKey: feltField,
    classHash: feltField,
    signature: starknetSignatureField,
  }),
  eip1271: struct({
    domain: string(SIWE_LIMITS.domainBytes),
    uri: string(SIWE_LIMITS.uriBytes),
    nonce: nonceField,
    signature: bytes(CONTRACT_SIGNATURE_MAX_BYTES),
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
 * An Ethereum account delegates a client key: the SIWE message is built from the claims and
 * `fields` (the challenge: requesting domain and URI, the node's nonce) and the account
 * signs it with EIP-191 `personal_sign`. An EOA's answer makes an `eip4361` proof; a
 * contract account's (not 65 bytes, or `contract` set) an `eip1271` proof, checked through
 * `accounts` when given. Throws if the answer is a signature by another account.
 */
export async function signEthereumDelegation(
  account: EthereumMessageSigner,
  claims: Omit<DelegationClaims, 'root'> & { chainId: number },
  fields: SiweFields,
  options: ProofOptions & { contract?: boolean } = {},
): Promise<Delegation> {
  const { chainId, ...rest } = claims;
  const full: DelegationClaims = { ...rest, root: (await ethereumRootId(chainId, account.address)) as RootId };
  const answer = await signEthereumMessage(account, await delegationMessage(full, fields), options);
  const { domain, uri, nonce } = fields;
  const delegation: Delegation = {
    claims: full,
    proof: { kind: answer.kind === 'eoa' ? 'eip4361' : 'eip1271', domain, uri, nonce, signature: answer.signature },
  };
  if (answer.kind === 'contract') await selfCheck(checkProof(delegation.claims, delegation.proof, options.accounts));
  return delegation;
}

/**
 * A Starknet account delegates a client key: it signs the SNIP-12 typed data built from the
 * claims and `fields` on its own chain. The result is checked as peers will check it
 * (offline, or through `accounts`): a wrong signature throws `ProofSigningError`.
 */
export async function signStarknetDelegation(
  account: StarknetTypedDataSigner,
  claims: Omit<DelegationClaims, 'root'>,
  fields: SiweFields,
  options: ProofOptions = {},
): Promise<Delegation> {
  const full: DelegationClaims = { ...claims, root: starknetRootId(account.chainId, account.address) as RootId };
  const signed = await signStarknetTypedData(account, delegationTypedData(full, fields));
  const { domain, uri, nonce } = fields;
  const delegation: Delegation = { claims: full, proof: { kind: 'snip12', domain, uri, nonce, ...signed } };
  await selfCheck(checkProof(delegation.claims, delegation.proof, options.accounts));
  return delegation;
}

export type DelegationRefusal =
  | 'malformed'
  | 'invalid-client-key'
  | 'proof-mismatch'
  | 'bad-signature'
  | 'unverifiable'
  | 'not-yet-valid'
  | 'expired'
  | 'too-long-lived';

/**
 * Check a delegation: its root's proof, the client key, and its validity window at `now`
 * (ms since epoch, supplied by the caller so the check stays pure). Offline, except that a
 * contract account's proof is asked of `options.accounts` (and is `unverifiable` without it).
 */
export async function verifyDelegation(d: Delegation, now: number, options: ProofOptions = {}): Promise<Verdict<DelegationRefusal>> {
  const { claims, proof } = d;
  try {
    parseRootId(claims.root);
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
  const proved = await checkProof(claims, proof, options.accounts);
  if (!proved.ok) return proved;
  if (claims.issuedAt > now + DELEGATION_LIMITS.clockSkewMs) {
    return refuse('not-yet-valid', `the delegation is issued in the future (${new Date(claims.issuedAt).toISOString()})`);
  }
  if (now >= claims.expiresAt) return refuse('expired', `the delegation expired at ${new Date(claims.expiresAt).toISOString()}`);
  return accept;
}

/** Does `proof` show that the root of `claims` made them? */
function checkProof(claims: DelegationClaims, proof: DelegationProof, accounts?: AccountVerifier): Promise<Verdict<DelegationRefusal>> {
  return verifyRootProof(
    {
      what: 'delegation',
      root: claims.root,
      eoaKind: 'eip4361',
      ed25519Bytes: () => delegationSigningBytes(claims),
      ethereumMessage: () => delegationMessage(claims, proof as SiweFields),
      starknetData: () => delegationTypedData(claims, proof as SiweFields),
    },
    proof,
    accounts,
  );
}
