import type { TypedData } from 'starknet';
import { DecodeError, fixedBytes, list, toBase58, type Codec } from '../codec/index.ts';
import { fromHex, toHex } from '../crypto/index.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import type { DelegationClaims } from './delegation.ts';
import type { RevocationClaims } from './revocation.ts';
import { parseRootId } from './rootId.ts';
import { SIWE_LIMITS, SIWE_NONCE, quoteLabel, type SiweFields } from './siwe.ts';
import { accept, refuse, type Verdict } from './verdict.ts';
import { loadOnce } from './loadOnce.ts';

/*
 * SNIP-12 (revision 1) typed data for Starknet roots, and the check of what a Starknet
 * account signed.
 *
 * starknet.js is loaded only here, and only by dynamic import inside async functions: the
 * identity modules are on the first-load path, Starknet code is not.
 */

/** The Starknet chains a root may name (its CAIP-2 reference, the typed data's chainId). */
export const STARKNET_CHAINS = ['SN_MAIN', 'SN_SEPOLIA'] as const;
export type StarknetChain = (typeof STARKNET_CHAINS)[number];

/**
 * The OpenZeppelin Cairo Contracts v1.0.0 account preset (class hash as listed by
 * starknet-foundry's `sncast account create`). Its constructor takes the owner's public key
 * alone, the deployment shape the offline key ↔ address check relies on; test doubles use it
 * to make accounts whose address verifies offline. (The check itself takes any class hash the
 * proof carries.)
 */
export const OZ_ACCOUNT_CLASS_HASH = '0x05b4b537eaa2399e3aa99c4e2e0208ebd6c71bc1467938cd52c798c601e43564';

/**
 * OpenZeppelin account classes tried when a wallet does not say its class: v1.0.0, and
 * v0.8.1 (starknet.js's guides and devnet's predeployed accounts).
 */
export const OZ_ACCOUNT_CLASS_HASHES = [OZ_ACCOUNT_CLASS_HASH, '0x061dac032f228abef9c6626f995015233097ae253a7f72d68552db02f2971b8f'] as const;

export const STARKNET_LIMITS = {
  /** Felts in a signature on the wire: [r, s] for a plain Stark key, a little more for some accounts. */
  signatureFelts: 4,
} as const;

/** The Stark field prime: every felt is below it. */
const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;
/** Contract addresses are below 2^251. */
const ADDRESS_BOUND = 2n ** 251n;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Why claims, a root or a wallet's answer cannot make a SNIP-12 proof. */
export class StarknetMessageError extends Error {
  override readonly name = 'StarknetMessageError';
}

/** A Starknet account that signs SNIP-12 typed data (the wallet connector's StarknetWalletAccount fits). */
export interface StarknetTypedDataSigner {
  address: string;
  /** `SN_MAIN` or `SN_SEPOLIA`. */
  chainId: string;
  /** The account's Stark public key (0x-hex felt), when the wallet reveals it. */
  publicKey?: string;
  /** The account's class hash (0x-hex felt), when known. */
  classHash?: string;
  signTypedData(typedData: unknown): Promise<string[]>;
}

/** What a SNIP-12 proof carries besides its fields: the key, the account class, the signature felts. */
export interface StarknetSignatureProof {
  publicKey: Uint8Array;
  classHash: Uint8Array;
  signature: Uint8Array[];
}

const felt32 = fixedBytes(32);
/** A felt on the wire: 32 bytes big-endian, below the field prime, so each value has one encoding. */
export const feltField: Codec<Uint8Array> = {
  encode: (w, v) => felt32.encode(w, v),
  decode(r) {
    const at = r.pos;
    const bytes = felt32.decode(r);
    if (bigFromBytes(bytes) >= FIELD_PRIME) throw new DecodeError('invalid-value', 'a felt is below the Stark field prime', at);
    return bytes;
  },
};
/** A Starknet signature on the wire: at most `STARKNET_LIMITS.signatureFelts` felts. */
export const starknetSignatureField = list(feltField, STARKNET_LIMITS.signatureFelts);

function bigFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

/** A felt as 0x and 64 hex digits. */
export function feltHex(felt: Uint8Array | bigint): string {
  const value = typeof felt === 'bigint' ? felt : bigFromBytes(felt);
  return `0x${value.toString(16).padStart(64, '0')}`;
}

/** A felt given as 0x-hex or decimal text (wallets answer either), as 32 bytes. */
export function feltBytes(text: string): Uint8Array {
  if (!/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(text)) throw new StarknetMessageError(`${JSON.stringify(text.slice(0, 80))} is not a felt`);
  const value = BigInt(text);
  if (value >= FIELD_PRIME) throw new StarknetMessageError(`${text} is not below the Stark field prime`);
  return fromHex(value.toString(16).padStart(64, '0'));
}

/** The canonical root id of a Starknet account: `starknet:<SN_MAIN|SN_SEPOLIA>:0x<64 lower-case hex>`. */
export function starknetRootId(chainId: string, address: string): string {
  if (!(STARKNET_CHAINS as readonly string[]).includes(chainId)) {
    throw new StarknetMessageError(`${JSON.stringify(chainId)} is not a supported Starknet chain (${STARKNET_CHAINS.join(', ')})`);
  }
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(address) || BigInt(address) >= ADDRESS_BOUND) {
    throw new StarknetMessageError(`${JSON.stringify(address.slice(0, 80))} is not a Starknet address`);
  }
  return `starknet:${chainId}:${feltHex(BigInt(address))}`;
}

/** The chain and address of a `starknet` root, refusing unknown chains and non-canonical spellings. */
export function starknetRoot(root: string): { chainId: StarknetChain; address: string } {
  const parsed = parseRootId(root);
  if (parsed.kind !== 'starknet') throw new StarknetMessageError(`${root} is not a Starknet root`);
  const canonical = starknetRootId(parsed.reference, parsed.address);
  if (canonical !== root) throw new StarknetMessageError(`${root} is not in canonical form (expected ${canonical})`);
  return { chainId: parsed.reference as StarknetChain, address: parsed.address };
}

/** SNIP-12 revision 1 typed data, as plain JSON a wallet can show. */
export interface Snip12TypedData {
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  domain: { name: string; version: string; chainId: string; revision: string };
  message: Record<string, string>;
}

const DOMAIN_TYPE = [
  { name: 'name', type: 'shortstring' },
  { name: 'version', type: 'shortstring' },
  { name: 'chainId', type: 'shortstring' },
  { name: 'revision', type: 'shortstring' },
];

function typedData(root: string, primaryType: string, message: Record<string, string>): Snip12TypedData {
  const { chainId } = starknetRoot(root);
  const types = { StarknetDomain: DOMAIN_TYPE, [primaryType]: Object.keys(message).map((name) => ({ name, type: 'string' })) };
  return { types, primaryType, domain: { name: 'Tabnode', version: '1', chainId, revision: '1' }, message };
}

function isoString(ms: number, what: string): string {
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) throw new StarknetMessageError(`the ${what} time ${ms} cannot be written as a date`);
  return date.toISOString();
}

/** A request field inside typed data: SNIP-12 strings are ASCII, and the limits are the SIWE ones. */
function asciiField(value: string, what: string, maxBytes: number): string {
  if (!PRINTABLE_ASCII.test(value)) throw new StarknetMessageError(`the ${what} must be printable ASCII`);
  if (value.length > maxBytes) throw new StarknetMessageError(`the ${what} is over ${maxBytes} bytes`);
  return value;
}

/**
 * The SNIP-12 typed data a Starknet root signs to delegate `claims.clientKey`. Every claim
 * and field is bound: the root's chain (domain chainId) and address (the message hash takes
 * it), the client key (base58), the label (JSON-quoted ASCII), issuedAt and expiresAt (ISO
 * with ms), and the request's domain, URI and nonce. The primary type keeps it apart from a
 * revocation.
 */
export function delegationTypedData(claims: DelegationClaims, fields: SiweFields): Snip12TypedData {
  if (!SIWE_NONCE.test(fields.nonce)) throw new StarknetMessageError('the nonce must be 8 to 64 ASCII letters and digits');
  return typedData(claims.root, 'Delegation', {
    clientKey: toBase58(claims.clientKey),
    label: quoteLabel(claims.label),
    issuedAt: isoString(claims.issuedAt, 'issued-at'),
    expiresAt: isoString(claims.expiresAt, 'expiry'),
    domain: asciiField(fields.domain, 'domain', SIWE_LIMITS.domainBytes),
    uri: asciiField(fields.uri, 'URI', SIWE_LIMITS.uriBytes),
    nonce: fields.nonce,
  });
}

/** The SNIP-12 typed data a Starknet root signs to revoke `claims.clientKey` (every claim bound). */
export function revocationTypedData(claims: RevocationClaims): Snip12TypedData {
  return typedData(claims.root, 'Revocation', {
    clientKey: toBase58(claims.clientKey),
    revokedAt: isoString(claims.revokedAt, 'revocation'),
    reason: quoteLabel(claims.reason),
  });
}

/** starknet.js, on demand and once. Named destructuring lets the bundler keep only what is used. */
const loadStarknet = loadOnce(async () => {
  const { ec, hash, typedData } = await import('starknet');
  return { starkCurve: ec.starkCurve, hash, typedData };
});

/** The SNIP-12 message hash of `data` for `address` (0x and 64 hex digits). */
export async function starknetMessageHash(data: Snip12TypedData, address: string): Promise<string> {
  const { typedData } = await loadStarknet();
  try {
    return feltHex(BigInt(typedData.getMessageHash(data as unknown as TypedData, address)));
  } catch (e) {
    throw new StarknetMessageError(`cannot hash the SNIP-12 typed data: ${(e as Error).message}`);
  }
}

/**
 * The address of an account deployed (counterfactually) the OpenZeppelin way: class
 * `classHash`, constructor calldata [publicKey], salt publicKey, deployer 0.
 */
export async function starknetAccountAddress(publicKey: Uint8Array | string, classHash: Uint8Array | string): Promise<string> {
  const { hash } = await loadStarknet();
  const key = typeof publicKey === 'string' ? feltHex(feltBytes(publicKey)) : feltHex(publicKey);
  const cls = typeof classHash === 'string' ? feltHex(feltBytes(classHash)) : feltHex(classHash);
  return feltHex(BigInt(hash.calculateContractAddressFromHash(key, cls, [key], 0)));
}

/**
 * A Stark ECDSA signature (r, s) over `hash` by the key whose x coordinate is `publicKey`.
 * A Stark public key is an x coordinate alone, so both points with that x are tried (as
 * Cairo's `check_ecdsa_signature` does).
 */
async function starkSignatureValid(hash: string, signature: Uint8Array[], publicKey: Uint8Array): Promise<boolean> {
  const [r, s] = signature;
  if (!r || !s) return false;
  const { starkCurve } = await loadStarknet();
  for (const prefix of ['02', '03']) {
    try {
      const sig = new starkCurve.Signature(bigFromBytes(r), bigFromBytes(s));
      if (starkCurve.verify(sig, hash, `${prefix}${toHex(publicKey)}`)) return true;
    } catch {
      // Not a point, or r/s out of range: not a valid signature for this key.
    }
  }
  return false;
}

export type StarknetRefusal = 'malformed' | 'bad-signature' | 'unverifiable';

/**
 * Check a SNIP-12 proof for `root` over `data`. Offline, the Stark signature must verify
 * against the carried key and the root's address must be that key's OpenZeppelin-style
 * deployment address for the carried class. An address that cannot be tied to the key is
 * a contract account only its chain can vouch for: `accounts.starknet` (an RPC) decides,
 * and without one the proof is `unverifiable`.
 */
export async function verifyStarknetProof(
  root: string,
  data: Snip12TypedData,
  proof: StarknetSignatureProof,
  accounts?: AccountVerifier,
): Promise<Verdict<StarknetRefusal>> {
  let chainId: StarknetChain;
  let address: string;
  let hash: string;
  try {
    ({ chainId, address } = starknetRoot(root));
    if (data.domain.chainId !== chainId) {
      throw new StarknetMessageError(`the typed data is for ${data.domain.chainId}, but ${root} is on ${chainId}`);
    }
    hash = await starknetMessageHash(data, address);
  } catch (e) {
    return refuse('malformed', (e as Error).message);
  }
  // Tied first: for an account only its chain can judge, the offline check is not needed.
  const tied = (await starknetAccountAddress(proof.publicKey, proof.classHash)) === address;
  if (tied) {
    if (await starkSignatureValid(hash, proof.signature, proof.publicKey)) return accept;
    return refuse('bad-signature', `the SNIP-12 signature was not made by the key of ${address} over these claims (tampered, or another account)`);
  }
  if (accounts?.starknet) {
    // The account contract is the authority on its own signatures, whatever their shape.
    let ok: boolean;
    try {
      ok = await accounts.starknet({ chainId, address, hash, signature: proof.signature.map((f) => `0x${bigFromBytes(f).toString(16)}`) });
    } catch (e) {
      return refuse('unverifiable', `the Starknet RPC could not check account ${address}: ${(e as Error).message}`);
    }
    if (ok) return accept;
    return refuse('bad-signature', `account ${address} on ${chainId} does not accept this SNIP-12 signature (tampered, or signed by another account)`);
  }
  if (!(await starkSignatureValid(hash, proof.signature, proof.publicKey))) return refuse('bad-signature', 'the SNIP-12 signature does not verify against the key it carries (tampered, or signed by another key)');
  return refuse(
    'unverifiable',
    `${address} is a contract account whose key cannot be tied to its address offline; ` +
      'configure a Starknet RPC in Settings so this node can ask the account (is_valid_signature)',
  );
}

/** The x coordinates of the keys that could have made (r, s) over `hash` (ECDSA public key recovery). */
async function recoverStarkKeys(hash: string, r: Uint8Array, s: Uint8Array): Promise<bigint[]> {
  const { starkCurve } = await loadStarknet();
  const keys: bigint[] = [];
  for (const bit of [0, 1]) {
    try {
      const point = new starkCurve.Signature(bigFromBytes(r), bigFromBytes(s)).addRecoveryBit(bit).recoverPublicKey(hash.slice(2));
      keys.push(point.toAffine().x);
    } catch {
      // No key for this recovery bit.
    }
  }
  return keys;
}

/**
 * Ask a Starknet account to sign `data` and turn its answer into proof fields. When the
 * wallet does not reveal its key or class, the key is recovered from the signature and the
 * OpenZeppelin classes are tried, so a plain OZ account still verifies offline; anything else
 * can only be checked by its chain.
 */
export async function signStarknetTypedData(account: StarknetTypedDataSigner, data: Snip12TypedData): Promise<StarknetSignatureProof> {
  const { address } = starknetRoot(starknetRootId(account.chainId, account.address));
  const answer = await account.signTypedData(data);
  if (!Array.isArray(answer) || answer.length < 2 || answer.length > STARKNET_LIMITS.signatureFelts) {
    const count = Array.isArray(answer) ? answer.length : 'no';
    throw new StarknetMessageError(`the wallet answered a signature of ${count} felts, not 2 to ${STARKNET_LIMITS.signatureFelts}`);
  }
  const signature = answer.map((felt) => feltBytes(String(felt)));
  const classes = (account.classHash ? [account.classHash] : OZ_ACCOUNT_CLASS_HASHES).map(feltBytes);
  let keys: Uint8Array[];
  if (account.publicKey) {
    keys = [feltBytes(account.publicKey)];
  } else {
    const hash = await starknetMessageHash(data, address);
    keys = (await recoverStarkKeys(hash, signature[0]!, signature[1]!)).map((x) => feltBytes(`0x${x.toString(16)}`));
  }
  for (const publicKey of keys) {
    for (const classHash of classes) {
      if ((await starknetAccountAddress(publicKey, classHash)) === address) return { publicKey, classHash, signature };
    }
  }
  // Not an OZ-style account: the key and class are carried as given; its chain must vouch.
  return {
    publicKey: keys[0] ?? new Uint8Array(32),
    classHash: account.classHash ? classes[0]! : new Uint8Array(32),
    signature,
  };
}
