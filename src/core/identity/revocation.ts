import { bytes, encodeWith, envelope, fixedBytes, string, struct, taggedUnion, toBase58, varuint, type Codec, type Infer } from '../codec/index.ts';
import { concatBytes, type Signer } from '../crypto/index.ts';
import { ProofSigningError, selfCheck, verifyRootProof, type ProofOptions } from './rootProof.ts';
import { localRootId, rootIdField } from './rootId.ts';
import {
  SiweMessageError,
  ethereumRoot,
  quoteLabel,
  signEthereumMessage,
  type EthereumMessageSigner,
} from './siwe.ts';
import {
  feltField,
  revocationTypedData,
  signStarknetTypedData,
  starknetRootId,
  starknetSignatureField,
  type StarknetTypedDataSigner,
} from './starknet.ts';
import type { Verdict } from './verdict.ts';

export const REVOCATION_LIMITS = {
  reasonBytes: 200,
  encodedBytes: 1024,
  /** An ERC-1271 signature, sized so the largest revocation of a canonical root fits `encodedBytes` (a 10-owner multisig fits). */
  contractSignatureBytes: 704,
} as const;

const claimsSchema = struct({
  root: rootIdField,
  clientKey: fixedBytes(32),
  revokedAt: varuint,
  reason: string(REVOCATION_LIMITS.reasonBytes),
});

/**
 * How the root proved it revoked the key. Append new variants only: the index is the tag.
 * - `ed25519`: a local root's signature over `revocationSigningBytes(claims)`;
 * - `eip191`: an Ethereum account's `personal_sign` of `revocationMessage(claims)`;
 * - `snip12`: a Starknet account's signature over `revocationTypedData(claims)`, with the
 *   key and class that tie it to the address offline (see starknet.ts);
 * - `eip1271`: an Ethereum contract account's signature over `revocationMessage(claims)`,
 *   checked by the contract through an RPC.
 */
const proofSchema = taggedUnion({
  ed25519: struct({ signature: fixedBytes(64) }),
  eip191: struct({ signature: fixedBytes(65) }),
  snip12: struct({ publicKey: feltField, classHash: feltField, signature: starknetSignatureField }),
  eip1271: struct({ signature: bytes(REVOCATION_LIMITS.contractSignatureBytes) }),
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
  REVOCATION_LIMITS.encodedBytes,
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

/**
 * The text an Ethereum root signs (EIP-191) to revoke a key. Every claim is bound: the root
 * id (chain and address, canonical), the key, the time and the reason (JSON-quoted ASCII,
 * so the text is three lines and the claims → text mapping is injective).
 */
export async function revocationMessage(claims: RevocationClaims): Promise<string> {
  await ethereumRoot(claims.root);
  const at = new Date(claims.revokedAt);
  if (!Number.isFinite(at.getTime())) throw new SiweMessageError(`the revocation time ${claims.revokedAt} cannot be written as a date`);
  return [
    `Tabnode: revoke device key ${toBase58(claims.clientKey)} of ${claims.root}`,
    `Revoked at: ${at.toISOString()}`,
    `Reason: ${quoteLabel(claims.reason)}`,
  ].join('\n');
}

/**
 * An Ethereum account revokes one of its root's client keys. `claims.root` must be this
 * account (on the root's chain; EIP-191 signatures do not depend on the wallet's network).
 * An EOA's answer makes an `eip191` proof, a contract account's (not 65 bytes, or
 * `contract` set) an `eip1271` proof. Throws if the answer is another account's signature.
 */
export async function signEthereumRevocation(
  account: EthereumMessageSigner,
  claims: RevocationClaims,
  options: ProofOptions & { contract?: boolean } = {},
): Promise<Revocation> {
  const { address } = await ethereumRoot(claims.root);
  if (address.toLowerCase() !== account.address.toLowerCase()) {
    throw new ProofSigningError(
      'proof-mismatch',
      `this wallet is ${account.address}, but the key belongs to ${claims.root}: connect that account to revoke it`,
    );
  }
  const answer = await signEthereumMessage(account, await revocationMessage(claims), options);
  const revocation: Revocation = { claims, proof: { kind: answer.kind === 'eoa' ? 'eip191' : 'eip1271', signature: answer.signature } };
  if (answer.kind === 'contract') await selfCheck(verifyRevocation(revocation, options));
  return revocation;
}

/**
 * A Starknet account revokes one of its root's client keys by signing
 * `revocationTypedData(claims)`. The wallet must be on the root's account and chain. A
 * wrong signature throws `ProofSigningError`.
 */
export async function signStarknetRevocation(
  account: StarknetTypedDataSigner,
  claims: RevocationClaims,
  options: ProofOptions = {},
): Promise<Revocation> {
  const mine = starknetRootId(account.chainId, account.address);
  if (mine !== claims.root) {
    throw new ProofSigningError(
      'proof-mismatch',
      `this wallet is ${mine}, but the key belongs to ${claims.root}: connect that account on that chain to revoke it`,
    );
  }
  const revocation: Revocation = { claims, proof: { kind: 'snip12', ...(await signStarknetTypedData(account, revocationTypedData(claims))) } };
  await selfCheck(verifyRevocation(revocation, options));
  return revocation;
}

export type RevocationRefusal = 'malformed' | 'proof-mismatch' | 'bad-signature' | 'unverifiable';

/**
 * Check that a revocation was made by the root it names. Takes effect whatever its time
 * says. Offline, except that a contract account's proof is asked of `options.accounts`
 * (and is `unverifiable` without it).
 */
export function verifyRevocation(r: Revocation, options: ProofOptions = {}): Promise<Verdict<RevocationRefusal>> {
  const { claims } = r;
  return verifyRootProof(
    {
      what: 'revocation',
      root: claims.root,
      eoaKind: 'eip191',
      ed25519Bytes: () => revocationSigningBytes(claims),
      ethereumMessage: () => revocationMessage(claims),
      starknetData: () => revocationTypedData(claims),
    },
    r.proof,
    options.accounts,
  );
}
