import { verifyEd25519 } from './ed25519.ts';

/** One Ed25519 signature to check: over `message`, by `publicKey`. */
export interface SignatureCheck {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * Checks many Ed25519 signatures at once, answering one boolean per check, in order, with
 * `verifyEd25519`'s validity rule. Never rejects for a bad input: a malformed check is
 * `false`. Implementations may spread the work over threads (src/adapters/verifyPool).
 */
export interface BatchVerifier {
  readonly name: string;
  verify(checks: readonly SignatureCheck[]): Promise<boolean[]>;
}

/** On the calling thread, all checks concurrently (WebCrypto spreads its promise overhead). */
export const inlineBatchVerifier: BatchVerifier = {
  name: 'inline',
  verify: (checks) => Promise.all(checks.map((c) => verifyEd25519(c.publicKey, c.message, c.signature).catch(() => false))),
};
