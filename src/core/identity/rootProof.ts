import { verifyEd25519, type BatchVerifier } from '../crypto/index.ts';
import type { AccountVerifier, AnchorEventSource } from './accountVerifier.ts';
import { localRootPublicKey, parseRootId } from './rootId.ts';
import { checkContractSignature, ethereumRoot, recoverMessageSigner } from './siwe.ts';
import { verifyStarknetProof, type Snip12TypedData, type StarknetSignatureProof } from './starknet.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/*
 * How any statement of a root (a delegation, a revocation) proves it came from that root:
 * one check per kind of root, shared by every statement. Each statement only says what its
 * root signs in each form.
 */

/** Options for verifying (and self-checking) wallet proofs. */
export interface ProofOptions {
  /** Checks contract-account signatures on their chain (an RPC); without it they are `unverifiable`. */
  accounts?: AccountVerifier;
  /** Checks on-chain evidence (anchored key revocations); without it such ops are `unverifiable`. */
  anchors?: AnchorEventSource;
  /** Checks op signatures in batches (a worker pool in browsers); default: inline. */
  signatures?: BatchVerifier;
}

/** A wallet's answer that does not prove the claims it was asked to sign. */
export class ProofSigningError extends Error {
  override readonly name = 'ProofSigningError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type RootProofRefusal = 'malformed' | 'proof-mismatch' | 'bad-signature' | 'unverifiable';

/** The proofs a root can give, whatever the statement: the EOA kind is named per statement. */
export type RootProof =
  | { kind: 'ed25519'; signature: Uint8Array }
  | { kind: 'eip4361' | 'eip191' | 'eip1271'; signature: Uint8Array }
  | ({ kind: 'snip12' } & StarknetSignatureProof);

/** One statement of a root, in each form its root may sign it. */
export interface RootStatement {
  /** What it is, for messages: 'delegation', 'revocation'. */
  what: string;
  root: string;
  /** The proof kind an Ethereum EOA gives for this statement (`eip4361` or `eip191`). */
  eoaKind: 'eip4361' | 'eip191';
  /** What a local root signs with Ed25519. */
  ed25519Bytes(): Uint8Array;
  /** What an Ethereum account signs with EIP-191 `personal_sign`. */
  ethereumMessage(): Promise<string>;
  /** What a Starknet account signs as SNIP-12 typed data. */
  starknetData(): Snip12TypedData;
}

/** Does `proof` show that `s.root` made the statement? Offline, but for contract accounts (`accounts`). */
export async function verifyRootProof(s: RootStatement, proof: RootProof, accounts?: AccountVerifier): Promise<Verdict<RootProofRefusal>> {
  let kind;
  try {
    kind = parseRootId(s.root).kind;
  } catch (e) {
    return refuse('malformed', (e as Error).message);
  }
  if (kind === 'local' && proof.kind === 'ed25519') {
    if (await verifyEd25519(localRootPublicKey(s.root), s.ed25519Bytes(), proof.signature)) return accept;
    return refuse('bad-signature', `the signature was not made by ${s.root} over this ${s.what} (tampered, or signed by another root)`);
  }
  if (kind === 'ethereum' && (proof.kind === s.eoaKind || proof.kind === 'eip1271')) {
    let root;
    let message;
    try {
      root = await ethereumRoot(s.root);
      message = await s.ethereumMessage();
    } catch (e) {
      return refuse('malformed', (e as Error).message);
    }
    if (proof.kind === 'eip1271') return checkContractSignature(root, message, proof.signature, accounts);
    const signer = await recoverMessageSigner(message, proof.signature);
    if (signer === null) return refuse('bad-signature', `the ${s.what} signature is not a valid 65-byte low-s secp256k1 signature`);
    if (signer.toLowerCase() !== root.address.toLowerCase()) {
      return refuse('bad-signature', `the ${s.what} was signed by ${signer}, not by ${root.address} (tampered claims, or another account)`);
    }
    return accept;
  }
  if (kind === 'starknet' && proof.kind === 'snip12') {
    let data;
    try {
      data = s.starknetData();
    } catch (e) {
      return refuse('malformed', (e as Error).message);
    }
    return verifyStarknetProof(s.root, data, proof, accounts);
  }
  const wanted = { local: 'ed25519', ethereum: `${s.eoaKind} or eip1271`, starknet: 'snip12' }[kind];
  return refuse('proof-mismatch', `a ${kind} root cannot prove a ${s.what} with a ${proof.kind} proof (it takes ${wanted})`);
}

/**
 * Check a wallet's answer as peers will, right after signing. An `unverifiable` proof is
 * kept: it is as good as the wallet can make, and nodes with an RPC accept it.
 */
export async function selfCheck(verdict: Promise<Verdict<string>>): Promise<void> {
  const v = await verdict;
  if (!v.ok && v.reason !== 'unverifiable') throw new ProofSigningError(v.reason, `the wallet's answer would be refused: ${v.message}`);
}
