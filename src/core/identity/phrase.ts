import { entropyToMnemonic, mnemonicToSeed, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** A recovery phrase that is not a valid English BIP-39 mnemonic. */
export class PhraseError extends Error {
  override readonly name = 'PhraseError';
}

/** Words in a new phrase: 12 words = 128 bits of entropy. */
export const PHRASE_ENTROPY_BYTES = 16;

/** Normalise what a person typed or pasted: lower case, single spaces. */
export function normalisePhrase(input: string): string {
  return input.trim().toLowerCase().split(/\s+/).join(' ');
}

/** A new phrase from caller-supplied randomness (core takes no randomness of its own). */
export function phraseFromEntropy(entropy: Uint8Array): string {
  if (entropy.length !== PHRASE_ENTROPY_BYTES) throw new PhraseError(`need ${PHRASE_ENTROPY_BYTES} bytes of entropy`);
  return entropyToMnemonic(entropy, wordlist);
}

export function isValidPhrase(input: string): boolean {
  return validateMnemonic(normalisePhrase(input), wordlist);
}

/**
 * The 32-byte Ed25519 seed of the local root named by a phrase. BIP-39 seed (PBKDF2,
 * no passphrase), then HKDF with a Tabnode label so the same phrase used elsewhere
 * never yields the same key.
 */
export async function rootSecretFromPhrase(input: string): Promise<Uint8Array> {
  const phrase = normalisePhrase(input);
  const words = phrase.split(' ');
  if (!words.every((w) => wordlist.includes(w))) {
    const unknown = words.find((w) => !wordlist.includes(w));
    throw new PhraseError(`"${unknown}" is not a word of the recovery word list`);
  }
  if (!validateMnemonic(phrase, wordlist)) {
    throw new PhraseError('the words are right but the phrase is not: check their order and that none is missing');
  }
  const seed = await mnemonicToSeed(phrase);
  return hkdf(sha256, seed, new TextEncoder().encode('tabnode'), new TextEncoder().encode('root-key/ed25519/v1'), 32);
}
