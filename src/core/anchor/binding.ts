import { fromHex, toHex } from '../crypto/index.ts';
import { parseRootId } from '../identity/rootId.ts';
import type { ChainEvidence, Op, OpBody } from '../ops/op.ts';
import type { Address, AnchorBinding, Hash32, RegistryEvent } from './AnchorChain.ts';

/*
 * The chain binding as ops carry it (bytes) and as the rest of the code sees it (lowercase
 * 0x-hex), the genesis rule that ties it to the owner, and the evidence of an on-chain
 * key revocation as an `anchored-revoke-key` op carries it.
 */

/** A binding or address that cannot be what it claims (bad hex, chain id 0, owner not the author). */
export class AnchorBindingError extends Error {
  override readonly name = 'AnchorBindingError';
}

/** The genesis field as decoded. */
export interface AnchorField {
  chainId: number;
  registry: Uint8Array;
  owner: Uint8Array;
}

export function addressBytes(value: string, what = 'address'): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new AnchorBindingError(`${what} "${value.slice(0, 80)}" is not 0x and 40 hex digits`);
  return fromHex(value.slice(2).toLowerCase());
}

export function toAddress(bytes: Uint8Array): Address {
  if (bytes.length !== 20) throw new AnchorBindingError(`an address is 20 bytes, got ${bytes.length}`);
  return `0x${toHex(bytes)}`;
}

/** Addresses compare case-insensitively (EIP-55 checksums are only a spelling). */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The genesis field for a binding (what the node puts in a new anchored context's genesis). */
export function anchorFieldOf(b: AnchorBinding): AnchorField {
  if (!Number.isSafeInteger(b.chainId) || b.chainId < 1) throw new AnchorBindingError(`chain id ${b.chainId} is not a positive integer`);
  return { chainId: b.chainId, registry: addressBytes(b.registry, 'registry'), owner: addressBytes(b.owner, 'owner') };
}

export function bindingOf(f: AnchorField): AnchorBinding {
  return { chainId: f.chainId, registry: toAddress(f.registry), owner: toAddress(f.owner) };
}

/** The binding a genesis op declares; undefined for an unanchored context or another op. */
export function genesisBinding(genesis: Op): AnchorBinding | undefined {
  return genesis.body.kind === 'genesis' && genesis.body.anchor ? bindingOf(genesis.body.anchor) : undefined;
}

/**
 * Why a genesis by `authorRoot` may not bind `b`, or undefined when it may: the owner the
 * registry keys the context by must be the creator's own Ethereum account, or anyone could
 * create a context "owned" by someone else's address and squat its registry entry.
 */
export function genesisAnchorRefusal(b: AnchorBinding, authorRoot: string): string | undefined {
  if (b.chainId < 1) return 'the anchor names chain id 0';
  if (/^0x0{40}$/.test(b.registry)) return 'the anchor names the zero address as registry';
  let parsed;
  try {
    parsed = parseRootId(authorRoot);
  } catch (e) {
    return (e as Error).message;
  }
  if (parsed.kind !== 'ethereum') return `an anchored context is created by an Ethereum (eip155) root, not ${authorRoot}: log in with the owner's Ethereum wallet`;
  if (!sameAddress(parsed.address, b.owner)) return `the anchor's owner ${b.owner} is not the creator's address ${parsed.address.toLowerCase()}`;
  return undefined;
}

/** The context id as the registry keys it. */
export function contextWord(contextId: Uint8Array): Hash32 {
  if (contextId.length !== 32) throw new AnchorBindingError(`a context id is 32 bytes, got ${contextId.length}`);
  return `0x${toHex(contextId)}`;
}

/** An op key (lowercase hex, no 0x; see idKey) from a 0x-hex word such as an anchor's govHead. */
export function opKeyOf(word: Hash32): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(word)) throw new AnchorBindingError(`"${word.slice(0, 80)}" is not 0x and 64 hex digits`);
  return word.slice(2).toLowerCase();
}

export type KeyRevokedEvent = Extract<RegistryEvent, { kind: 'key-revoked' }>;

/** The `anchored-revoke-key` body that imports a `KeyRevoked` event seen on chain. */
export function anchoredRevokeBody(event: KeyRevokedEvent): Extract<OpBody, { kind: 'anchored-revoke-key' }> {
  return {
    kind: 'anchored-revoke-key',
    clientKey: fromHex(opKeyOf(event.clientKey)),
    evidence: {
      txHash: fromHex(opKeyOf(event.at.txHash)),
      logIndex: event.at.logIndex,
      blockNumber: safe(event.at.blockNumber, 'block number'),
      blockTime: event.at.timestamp,
      by: addressBytes(event.by, 'revoker'),
      asAdmin: event.asAdmin,
    },
  };
}

function safe(n: bigint, what: string): number {
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new AnchorBindingError(`${what} ${n} is past 2^53 - 1`);
  return Number(n);
}

/**
 * Why the event the chain returned does not back an import of `clientKey` with `evidence`,
 * or undefined when it does: every field the op states must be what the chain says.
 */
export function evidenceMismatch(event: RegistryEvent | undefined, clientKey: Uint8Array, evidence: ChainEvidence): string | undefined {
  const where = `tx 0x${toHex(evidence.txHash)} log ${evidence.logIndex}`;
  if (!event) return `the registry has no event at ${where} (not on this chain, reorganised away, or another contract's)`;
  if (event.kind !== 'key-revoked') return `the event at ${where} is a ${event.kind} event, not a key revocation`;
  if (opKeyOf(event.clientKey) !== toHex(clientKey)) return `the event at ${where} revokes another key (${event.clientKey})`;
  if (!sameAddress(event.by, toAddress(evidence.by))) return `the event at ${where} was sent by ${event.by}, not ${toAddress(evidence.by)}`;
  if (event.asAdmin !== evidence.asAdmin) return `the event at ${where} revoked ${event.asAdmin ? 'as an admin' : 'as the key owner'}, not as the op claims`;
  if (event.at.blockNumber !== BigInt(evidence.blockNumber)) return `the event at ${where} is in block ${event.at.blockNumber}, not ${evidence.blockNumber}`;
  if (event.at.timestamp !== evidence.blockTime) return `the event at ${where} is timed ${event.at.timestamp}, not ${evidence.blockTime}`;
  return undefined;
}
