import { DecodeError, fromBase58, string, toBase58, type Codec } from '../codec/index.ts';

/**
 * Who a person is, as a CAIP-10 account id (`namespace:reference:address`):
 * - `tabnode:local:<base58 Ed25519 public key>` — a local key recoverable from a phrase;
 * - `eip155:<chain id>:<0x address>` — an Ethereum account;
 * - `starknet:<chain id>:<0x address>` — a Starknet account.
 */
export type RootId = string & { readonly __brand: 'RootId' };

export type RootKind = 'local' | 'ethereum' | 'starknet';

export interface ParsedRootId {
  kind: RootKind;
  namespace: string;
  reference: string;
  address: string;
}

export class RootIdError extends Error {
  override readonly name = 'RootIdError';
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`"${input.slice(0, 80)}" is not a root id: ${detail}`);
  }
}

// CAIP-2 / CAIP-10 grammar.
const CAIP10 = /^([-a-z0-9]{3,8}):([-_a-zA-Z0-9]{1,32}):([-.%a-zA-Z0-9]{1,128})$/;

export function parseRootId(input: string): ParsedRootId {
  const match = CAIP10.exec(input);
  if (!match) throw new RootIdError(input, 'expected namespace:reference:address (CAIP-10)');
  const [, namespace, reference, address] = match as unknown as [string, string, string, string];
  if (namespace === 'tabnode') {
    if (reference !== 'local') throw new RootIdError(input, `unknown tabnode root kind "${reference}"`);
    const key = decodeKey(input, address);
    if (key.length !== 32) throw new RootIdError(input, 'a local root address is a 32-byte Ed25519 key');
    return { kind: 'local', namespace, reference, address };
  }
  if (namespace === 'eip155') {
    if (!/^[0-9]{1,32}$/.test(reference)) throw new RootIdError(input, 'an eip155 chain id is a decimal number');
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RootIdError(input, 'an Ethereum address is 0x and 40 hex digits');
    return { kind: 'ethereum', namespace, reference, address };
  }
  if (namespace === 'starknet') {
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(address)) throw new RootIdError(input, 'a Starknet address is 0x and up to 64 hex digits');
    return { kind: 'starknet', namespace, reference, address };
  }
  throw new RootIdError(input, `unsupported namespace "${namespace}"`);
}

export function isRootId(input: string): input is RootId {
  try {
    parseRootId(input);
    return true;
  } catch {
    return false;
  }
}

export function localRootId(publicKey: Uint8Array): RootId {
  if (publicKey.length !== 32) throw new RootIdError('(key)', 'a local root key is 32 bytes');
  return `tabnode:local:${toBase58(publicKey)}` as RootId;
}

/** The Ed25519 key a local root id names. */
export function localRootPublicKey(id: string): Uint8Array {
  const parsed = parseRootId(id);
  if (parsed.kind !== 'local') throw new RootIdError(id, 'not a local root');
  return decodeKey(id, parsed.address);
}

function decodeKey(input: string, address: string): Uint8Array {
  try {
    return fromBase58(address);
  } catch {
    throw new RootIdError(input, 'the address is not base58');
  }
}

/** A root id inside a binary message: a string that must parse, or the message is malformed. */
export const rootIdField: Codec<RootId> = {
  encode: (w, v) => rootIdText.encode(w, v),
  decode(r) {
    const at = r.pos;
    const text = rootIdText.decode(r);
    if (!isRootId(text)) throw new DecodeError('invalid-value', 'not a valid root id', at);
    return text;
  },
};
const rootIdText = string(200);
