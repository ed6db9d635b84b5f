import { fromBase58, toBase58 } from '../codec/index.ts';
import type { DelegationClaims } from './delegation.ts';
import type { AccountVerifier } from './accountVerifier.ts';
import { parseRootId } from './rootId.ts';
import { loadOnce } from './loadOnce.ts';
import { accept, refuse, type Verdict } from './verdict.ts';

/*
 * Sign-In-With-Ethereum (EIP-4361) messages for delegations by Ethereum accounts, signed
 * with EIP-191 `personal_sign`.
 *
 * viem is loaded only here, and only by dynamic import inside async functions: the
 * delegation module is on the first-load path, wallet code is not.
 */

/** What an EIP-4361 proof carries besides the claims: the requester and its nonce. */
export interface SiweFields {
  /** RFC 3986 authority of the page that asked for the signature (`app.example:8443`). */
  domain: string;
  /** RFC 3986 URI of the requesting page. */
  uri: string;
  /** The challenge nonce: 8 to 64 ASCII letters and digits. */
  nonce: string;
}

export const SIWE_LIMITS = { domainBytes: 253, uriBytes: 512, nonceMin: 8, nonceMax: 64 } as const;
export const SIWE_NONCE = /^[a-zA-Z0-9]{8,64}$/;

const STATEMENT_PREFIX = 'Tabnode: authorize device key ';
const STATEMENT = /^Tabnode: authorize device key ([1-9A-HJ-NP-Za-km-z]{32,44}) labelled ("(?:[^"\\]|\\.)*")$/;
const CLIENT_KEY_URN = 'urn:tabnode:client-key:';
/** secp256k1 group order / 2: a signature with a higher s is the malleated twin of a lower one. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Why a delegation's claims or a message cannot be an EIP-4361 delegation. */
export class SiweMessageError extends Error {
  override readonly name = 'SiweMessageError';
}

/** An account that signs EIP-191 messages: an EIP-1193 wallet wrapper or a viem local account. */
export interface EthereumMessageSigner {
  address: string;
  signMessage(args: { message: string }): Promise<string>;
}

/** viem, on demand and once. Named destructuring lets the bundler keep only what is used. */
const loadViem = loadOnce(async () => {
  const [viem, siwe] = await Promise.all([
    import('viem').then(({ bytesToHex, getAddress, hexToBytes, isHex, recoverMessageAddress }) => ({
      bytesToHex,
      getAddress,
      hexToBytes,
      isHex,
      recoverMessageAddress,
    })),
    import('viem/siwe').then(({ createSiweMessage, parseSiweMessage, validateSiweMessage }) => ({
      createSiweMessage,
      parseSiweMessage,
      validateSiweMessage,
    })),
  ]);
  return { ...viem, ...siwe };
});

/**
 * A label (or a revocation reason) inside signed text: JSON-quoted, with everything outside
 * printable ASCII escaped as \uXXXX, so it is one line of ASCII and the claims → text
 * mapping is injective.
 */
export function quoteLabel(label: string): string {
  return JSON.stringify(label).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The statement naming the client key and its label. */
export function delegationStatement(clientKey: Uint8Array, label: string): string {
  return `${STATEMENT_PREFIX}${toBase58(clientKey)} labelled ${quoteLabel(label)}`;
}

/** The chain id and address of an `eip155` root, refusing non-canonical spellings. */
export async function ethereumRoot(root: string): Promise<{ chainId: number; address: `0x${string}` }> {
  const parsed = parseRootId(root);
  if (parsed.kind !== 'ethereum') throw new SiweMessageError(`${root} is not an Ethereum (eip155) root`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(parsed.reference) || !Number.isSafeInteger(Number(parsed.reference))) {
    throw new SiweMessageError(`the chain id of ${root} is not a canonical decimal number up to 2^53`);
  }
  const { getAddress } = await loadViem();
  const address = getAddress(parsed.address);
  if (address !== parsed.address) throw new SiweMessageError(`the address of ${root} is not EIP-55 checksummed (expected ${address})`);
  return { chainId: Number(parsed.reference), address };
}

/** The canonical root id of an Ethereum account on a chain: `eip155:<chain>:<checksummed address>`. */
export async function ethereumRootId(chainId: number, address: string): Promise<string> {
  if (!Number.isSafeInteger(chainId) || chainId < 0) throw new SiweMessageError(`${chainId} is not a chain id`);
  const { getAddress } = await loadViem();
  return `eip155:${chainId}:${getAddress(address)}`;
}

function isoTime(ms: number, what: string): Date {
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) throw new SiweMessageError(`the ${what} time ${ms} cannot be written as a date`);
  return date;
}

/**
 * The exact EIP-4361 message an Ethereum root signs to delegate `claims.clientKey`. Every
 * claim is bound into it: the root's address and chain, the key (statement and resource),
 * the label (statement), issuedAt and expiresAt (Issued At / Expiration Time).
 */
export async function delegationMessage(claims: DelegationClaims, fields: SiweFields): Promise<string> {
  const { chainId, address } = await ethereumRoot(claims.root);
  if (!SIWE_NONCE.test(fields.nonce)) throw new SiweMessageError('the nonce must be 8 to 64 ASCII letters and digits');
  if (new TextEncoder().encode(fields.domain).length > SIWE_LIMITS.domainBytes) throw new SiweMessageError('the domain is too long');
  if (new TextEncoder().encode(fields.uri).length > SIWE_LIMITS.uriBytes) throw new SiweMessageError('the URI is too long');
  const { createSiweMessage } = await loadViem();
  try {
    return createSiweMessage({
      domain: fields.domain,
      address,
      statement: delegationStatement(claims.clientKey, claims.label),
      uri: fields.uri,
      version: '1',
      chainId,
      nonce: fields.nonce,
      issuedAt: isoTime(claims.issuedAt, 'issued-at'),
      expirationTime: isoTime(claims.expiresAt, 'expiry'),
      resources: [`${CLIENT_KEY_URN}${toBase58(claims.clientKey)}`],
    });
  } catch (e) {
    throw new SiweMessageError(`cannot write an EIP-4361 message: ${(e as Error & { shortMessage?: string }).shortMessage ?? (e as Error).message}`);
  }
}

/**
 * Read a delegation message back into the claims and fields it was built from. Only the
 * exact text `delegationMessage` writes is accepted (it is rebuilt and compared).
 */
export async function parseDelegationMessage(message: string): Promise<{ claims: DelegationClaims; fields: SiweFields }> {
  const { parseSiweMessage } = await loadViem();
  const m = parseSiweMessage(message);
  if (!m.address || !m.domain || !m.uri || !m.nonce || m.chainId === undefined || m.version !== '1') {
    throw new SiweMessageError('not an EIP-4361 message');
  }
  if (!m.issuedAt || !m.expirationTime) throw new SiweMessageError('a delegation message states Issued At and Expiration Time');
  const statement = STATEMENT.exec(m.statement ?? '');
  if (!statement) throw new SiweMessageError('the statement is not a Tabnode device delegation');
  const [, keyText, quoted] = statement as unknown as [string, string, string];
  let clientKey: Uint8Array;
  let label: unknown;
  try {
    clientKey = fromBase58(keyText);
    label = JSON.parse(quoted);
  } catch {
    throw new SiweMessageError('the statement does not name a key and a label');
  }
  if (clientKey.length !== 32 || typeof label !== 'string') throw new SiweMessageError('the statement does not name a 32-byte key and a label');
  const claims: DelegationClaims = {
    root: (await ethereumRootId(m.chainId, m.address)) as DelegationClaims['root'],
    clientKey,
    label,
    issuedAt: m.issuedAt.getTime(),
    expiresAt: m.expirationTime.getTime(),
  };
  const fields: SiweFields = { domain: m.domain, uri: m.uri, nonce: m.nonce };
  if ((await delegationMessage(claims, fields)) !== message) {
    throw new SiweMessageError('the message is not in the canonical Tabnode delegation form');
  }
  return { claims, fields };
}

/**
 * What the node that issued a challenge checks on the signed message it gets back: its own
 * domain and nonce, the expected account, and that the message is still valid at `now`.
 */
export async function validateDelegationMessage(
  message: string,
  expected: { domain: string; nonce: string; address?: string; now: number },
): Promise<boolean> {
  const { parseSiweMessage, validateSiweMessage } = await loadViem();
  const parsed = parseSiweMessage(message);
  return validateSiweMessage({
    message: parsed,
    domain: expected.domain,
    nonce: expected.nonce,
    ...(expected.address === undefined ? {} : { address: expected.address as `0x${string}` }),
    time: new Date(expected.now),
  });
}

/** Who signed `message` (EIP-191), or null for a malformed or malleable (high-s) signature. */
export async function recoverMessageSigner(message: string, signature: Uint8Array): Promise<`0x${string}` | null> {
  if (signature.length !== 65) return null;
  const v = signature[64]!;
  if (v !== 27 && v !== 28) return null;
  let s = 0n;
  for (const byte of signature.subarray(32, 64)) s = (s << 8n) | BigInt(byte);
  if (s === 0n || s > HALF_N) return null;
  const { bytesToHex, recoverMessageAddress } = await loadViem();
  try {
    return await recoverMessageAddress({ message, signature: bytesToHex(signature) });
  } catch {
    return null;
  }
}

/** How an Ethereum account proved a message: an EOA's recoverable signature, or a contract account's (ERC-1271). */
export type EthereumMessageProof = { kind: 'eoa'; signature: Uint8Array } | { kind: 'contract'; signature: Uint8Array };

/**
 * Ask `account` to sign `message` (EIP-191) and classify its answer. A 65-byte signature
 * that recovers to the account is an EOA's. Otherwise, a signature that is not 65 bytes, or
 * any answer when `contract` is set, is a contract account's, kept byte for byte for
 * ERC-1271. Anything else (another signer) throws.
 */
export async function signEthereumMessage(
  account: EthereumMessageSigner,
  message: string,
  options: { contract?: boolean } = {},
): Promise<EthereumMessageProof> {
  const { hexToBytes, isHex } = await loadViem();
  const hex = await account.signMessage({ message });
  if (!isHex(hex, { strict: true }) || hex.length <= 2) throw new SiweMessageError('the wallet did not answer a hex signature');
  const raw = hexToBytes(hex);
  let signer: string | null = null;
  if (raw.length === 65) {
    const signature = await signatureBytes(hex);
    signer = await recoverMessageSigner(message, signature);
    if (signer?.toLowerCase() === account.address.toLowerCase()) return { kind: 'eoa', signature };
  }
  if (options.contract || raw.length !== 65) return { kind: 'contract', signature: raw };
  throw new SiweMessageError(`the wallet signed with ${signer ?? 'an invalid signature'}, not with ${account.address}`);
}

/** A wallet's 65-byte signature, with v normalized to 27/28 (some wallets answer 0/1). */
export async function signatureBytes(hex: string): Promise<Uint8Array> {
  const { hexToBytes, isHex } = await loadViem();
  if (!isHex(hex, { strict: true })) throw new SiweMessageError('the wallet did not answer a hex signature');
  const bytes = hexToBytes(hex);
  if (bytes.length !== 65) throw new SiweMessageError(`the wallet answered a ${bytes.length}-byte signature, not a 65-byte EOA signature`);
  if (bytes[64] === 0 || bytes[64] === 1) bytes[64] += 27;
  return bytes;
}

/**
 * An Ethereum contract account's signature (ERC-1271) over an EIP-191 `message`: only its
 * chain can check it, through `accounts.ethereum`.
 */
export async function checkContractSignature(
  root: { chainId: number; address: `0x${string}` },
  message: string,
  signature: Uint8Array,
  accounts?: AccountVerifier,
): Promise<Verdict<'bad-signature' | 'unverifiable'>> {
  if (!accounts?.ethereum) {
    return refuse(
      'unverifiable',
      `${root.address} signed as a contract account (ERC-1271), which only its chain can check; ` +
        'configure an Ethereum RPC in Settings so this node can ask it',
    );
  }
  let ok: boolean;
  try {
    ok = await accounts.ethereum({ chainId: root.chainId, address: root.address, message, signature });
  } catch (e) {
    return refuse('unverifiable', `the Ethereum RPC could not check contract account ${root.address}: ${(e as Error).message}`);
  }
  if (ok) return accept;
  return refuse(
    'bad-signature',
    `contract account ${root.address} on chain ${root.chainId} does not accept this signature (tampered, or signed by another account)`,
  );
}
