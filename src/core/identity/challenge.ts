import { toBase58 } from '../codec/index.ts';
import { bytesEqual } from '../crypto/index.ts';
import { DEFAULT_DELEGATION_LIFETIME_MS, DELEGATION_LIMITS, delegationLabel, verifyDelegation, type Delegation, type DelegationClaims, type DelegationRefusal, type ProofOptions } from './delegation.ts';
import { parseRootId } from './rootId.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/*
 * Challenge/response login with a wallet. The node issues a challenge naming everything
 * the wallet's signature must bind (nonce, domain, URI, times, this device's key, chain);
 * the wallet signs it as an EIP-4361 message or SNIP-12 typed data (the delegation's
 * proof); the node checks the answer against the challenge it issued, once.
 */

/** What the node asks a wallet to sign. */
export interface Challenge {
  /** 16 random bytes in base58 (16 to 22 characters): fits EIP-4361's nonce grammar. */
  nonce: string;
  /** The requesting page's host (`app.example:8443`). */
  domain: string;
  /** The requesting page's URL. */
  uri: string;
  /** When the challenge was issued; also the delegation's issuedAt. */
  issuedAt: number;
  /** The answer must come back before this. */
  answerBy: number;
  /** The delegation asked for lasts until this. */
  expiresAt: number;
  /** This device's client key. */
  clientKey: Uint8Array;
  label: string;
  /** CAIP-2 chain the account must sign for: `eip155:1`, `starknet:SN_SEPOLIA`. */
  chain: string;
}

export const CHALLENGE_LIMITS = {
  /** How long a wallet has to answer (people read what they sign). */
  answerWithinMs: 10 * 60 * 1000,
  /** Outstanding challenges one node keeps; the oldest is dropped beyond this. */
  outstanding: 16,
} as const;

export type ChallengeRefusal =
  | 'unknown-nonce'
  | 'reused-nonce'
  | 'wrong-domain'
  | 'wrong-uri'
  | 'expired'
  | 'wrong-device'
  | 'wrong-chain'
  | 'wrong-claims'
  | 'no-challenge-proof'
  | DelegationRefusal;

/** The claims and proof fields a wallet signs for `c`, apart from the root it signs as. */
export function challengeClaims(c: Challenge): { claims: Omit<DelegationClaims, 'root'>; fields: { domain: string; uri: string; nonce: string } } {
  return {
    claims: { clientKey: c.clientKey, label: c.label, issuedAt: c.issuedAt, expiresAt: c.expiresAt },
    fields: { domain: c.domain, uri: c.uri, nonce: c.nonce },
  };
}

/** A new challenge. `entropy` is 16 fresh random bytes; core takes no randomness itself. */
export function issueChallenge(args: {
  entropy: Uint8Array;
  now: number;
  domain: string;
  uri: string;
  clientKey: Uint8Array;
  label: string;
  chain: string;
  lifetimeMs?: number;
}): Challenge {
  if (args.entropy.length < 16) throw new RangeError('a challenge nonce needs 16 random bytes');
  const lifetime = Math.min(args.lifetimeMs ?? DEFAULT_DELEGATION_LIFETIME_MS, DELEGATION_LIMITS.maxLifetimeMs);
  return {
    nonce: toBase58(args.entropy.subarray(0, 16)),
    domain: args.domain,
    uri: args.uri,
    issuedAt: args.now,
    answerBy: args.now + CHALLENGE_LIMITS.answerWithinMs,
    expiresAt: args.now + lifetime,
    clientKey: args.clientKey,
    label: delegationLabel(args.label),
    chain: args.chain,
  };
}

/** The CAIP-2 chain of a root id (`eip155:1:0xabc…` → `eip155:1`). */
function chainOf(root: string): string {
  const { namespace, reference } = parseRootId(root);
  return `${namespace}:${reference}`;
}

/**
 * Check a wallet's answer against the challenge it answers: every field the node asked
 * for, then the signature itself. Pure; the caller makes sure each challenge is answered
 * once (see `challengeBook`).
 */
export async function checkAnswer(
  c: Challenge,
  d: Delegation,
  now: number,
  options: ProofOptions = {},
): Promise<Verdict<ChallengeRefusal>> {
  const { claims, proof } = d;
  if (!('nonce' in proof)) return refuse('no-challenge-proof', `a ${proof.kind} proof does not answer a wallet challenge`);
  if (proof.nonce !== c.nonce) return refuse('unknown-nonce', 'the answer is for another challenge (its nonce is not the one issued)');
  if (proof.domain !== c.domain) return refuse('wrong-domain', `the wallet signed for ${JSON.stringify(proof.domain)}, not for this site (${c.domain})`);
  if (proof.uri !== c.uri) return refuse('wrong-uri', `the wallet signed for ${JSON.stringify(proof.uri)}, not for ${c.uri}`);
  if (now > c.answerBy) return refuse('expired', 'the challenge expired before the wallet answered: try again');
  if (!bytesEqual(claims.clientKey, c.clientKey)) return refuse('wrong-device', 'the wallet signed for another device key than this one');
  let chain: string;
  try {
    chain = chainOf(claims.root);
  } catch (e) {
    return refuse('malformed', (e as Error).message);
  }
  if (chain !== c.chain) return refuse('wrong-chain', `the wallet signed on ${chain}, but ${c.chain} was asked for`);
  if (claims.issuedAt !== c.issuedAt || claims.expiresAt !== c.expiresAt || claims.label !== c.label) {
    return refuse('wrong-claims', 'the signed times or label differ from the challenge');
  }
  const verdict = await verifyDelegation(d, now, options);
  return verdict.ok ? accept : verdict;
}

/** A node's outstanding challenges: each nonce is answered at most once. */
export interface ChallengeBook {
  add(c: Challenge): void;
  /** The challenge for `nonce`, removed from the book; undefined if unknown or already taken. */
  take(nonce: string): Challenge | undefined;
  /** Whether `nonce` was issued here and already answered. */
  wasUsed(nonce: string): boolean;
}

export function challengeBook(limit: number = CHALLENGE_LIMITS.outstanding, rememberUsed = 256): ChallengeBook {
  const open = new Map<string, Challenge>();
  const used = new Set<string>();
  return {
    add(c) {
      open.set(c.nonce, c);
      while (open.size > limit) open.delete(open.keys().next().value!);
    },
    take(nonce) {
      const c = open.get(nonce);
      if (!c) return undefined;
      open.delete(nonce);
      used.add(nonce);
      while (used.size > rememberUsed) used.delete(used.values().next().value!);
      return c;
    },
    wasUsed: (nonce) => used.has(nonce),
  };
}
