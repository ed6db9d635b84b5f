import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Address, AnchorChain, AnchorWriter, ChainPosition, ConfirmedTx, Hash32, RegistryEvent, RegistryMutation } from '../../../core/anchor/AnchorChain.ts';
import { toHash32 } from '../../../core/anchor/hash32.ts';
import { anchorRecordHash } from '../../../core/anchor/recordHash.ts';
import { RegistryRevertError } from './errors.ts';
import { lowerAddress, registryKey } from './registryKey.ts';

/*
 * The registry in memory, for node simulations: the contract's rules (owner-only register,
 * admins, compare-and-swap on seq, terminal and idempotent revocations) and its events, each
 * successful change mined in a block of its own with made-up positions. It passes the same
 * suite as the real chain (anchorChainContract.ts). No gas: gasUsed is 0.
 */

const ZERO: Hash32 = `0x${'0'.repeat(64)}`;

interface Context {
  seq: bigint;
  anchorHash: Hash32;
  appHash: Hash32;
  admins: Set<Address>;
  adminRevoked: Set<string>;
  /** Self-claimed (non-admin) revocations: clientKey/by. */
  revokedBy: Set<string>;
}

export interface MemoryAnchorChain extends AnchorChain {
  /** A writer acting as `from` (msg.sender, or the signer of a relayed change: same effect here). */
  writer(from: Address): AnchorWriter;
}

export function memoryAnchorChain(options: { chainId?: number; registry?: Address; genesisTimestamp?: number } = {}): MemoryAnchorChain {
  const chainId = options.chainId ?? 31337;
  const registry = lowerAddress(options.registry ?? `0x${'7a'.repeat(20)}`, 'registry');
  const genesis = options.genesisTimestamp ?? 1_700_000_000;
  const contexts = new Map<Hash32, Context>();
  const log: { key: Hash32; event: RegistryEvent }[] = [];
  const mined = new Map<Hash32, ConfirmedTx>();
  let head = 0n;

  const fail = (errorName: string, ...args: unknown[]): never => {
    throw new RegistryRevertError(errorName, args);
  };

  const bump = (c: Context | undefined, context: Hash32, owner: Address, expectedSeq: bigint, by: Address): bigint => {
    if (!c) return fail('NotRegistered', context, owner);
    if (by !== owner && !c.admins.has(by)) fail('NotAdmin', by);
    if (c.seq !== expectedSeq) fail('StaleSeq', expectedSeq, c.seq);
    c.seq += 1n;
    return c.seq;
  };

  /** Applies the mutation as the contract would; the events it emits (none for a repeated revocation). */
  const apply = (context: Hash32, ownerIn: Address, m: RegistryMutation, by: Address, at: ChainPosition): RegistryEvent[] => {
    const owner = lowerAddress(ownerIn, 'owner');
    const key = registryKey(context, owner);
    const c = contexts.get(key);
    switch (m.kind) {
      case 'register': {
        if (by !== owner) fail('NotOwner', by, owner);
        if (c) fail('AlreadyRegistered', context, owner);
        const admins = m.admins.map((a) => lowerAddress(a, 'admin'));
        if (admins.some((a) => a === `0x${'0'.repeat(40)}`)) fail('ZeroAdmin');
        contexts.set(key, { seq: 1n, anchorHash: ZERO, appHash: m.appHash, admins: new Set(admins.filter((a) => a !== owner)), adminRevoked: new Set(), revokedBy: new Set() });
        return [{ kind: 'registered', seq: 1n, appHash: m.appHash, admins, by, at }];
      }
      case 'anchor': {
        const anchorHash = anchorRecordHash(m.record); // validates the record before anything changes
        const seq = bump(c, context, owner, m.expectedSeq, by);
        c!.anchorHash = anchorHash;
        return [{ kind: 'anchored', seq, record: { ...m.record }, by, at }];
      }
      case 'set-admin': {
        const admin = lowerAddress(m.admin, 'admin');
        if (admin === owner) fail('OwnerAlwaysAdmin', owner);
        if (admin === `0x${'0'.repeat(40)}`) fail('ZeroAdmin');
        const seq = bump(c, context, owner, m.expectedSeq, by);
        if (m.enabled) c!.admins.add(admin);
        else c!.admins.delete(admin);
        return [{ kind: 'admin-set', seq, admin, enabled: m.enabled, by, at }];
      }
      case 'set-app': {
        const seq = bump(c, context, owner, m.expectedSeq, by);
        c!.appHash = m.appHash;
        return [{ kind: 'app-set', seq, appHash: m.appHash, by, at }];
      }
      case 'revoke-key': {
        if (!c) return fail('NotRegistered', context, owner);
        const clientKey = m.clientKey.toLowerCase() as Hash32;
        const asAdmin = by === owner || c.admins.has(by);
        // As the contract: an admin's revocation once per context, a non-admin's once per revoker.
        const done = asAdmin ? c.adminRevoked : c.revokedBy;
        const entry = asAdmin ? clientKey : `${clientKey}/${by}`;
        if (done.has(entry)) return [];
        done.add(entry);
        return [{ kind: 'key-revoked', clientKey, by, asAdmin, at }];
      }
    }
  };

  const fakeHash = (...parts: string[]): Hash32 => toHash32(keccak_256(new TextEncoder().encode(parts.join('/'))));

  const submit = (from: Address, context: Hash32, owner: Address, m: RegistryMutation): { txHash: Hash32 } => {
    const blockNumber = head + 1n;
    const txHash = fakeHash('tx', registry, String(blockNumber));
    const at: ChainPosition = { blockNumber, blockHash: fakeHash('block', registry, String(blockNumber)), txHash, logIndex: 0, timestamp: genesis + Number(blockNumber) * 12 };
    const events = apply(context, owner, m, from, at); // throws before anything changes
    head = blockNumber;
    for (const event of events) log.push({ key: registryKey(context, owner), event });
    mined.set(txHash, { txHash, blockNumber, gasUsed: 0n, success: true });
    return { txHash };
  };

  return {
    chainId,
    registry,
    async blockNumber() {
      return head;
    },
    async view(context, owner) {
      const c = contexts.get(registryKey(context, owner));
      return c ? { registered: true, seq: c.seq, anchorHash: c.anchorHash, appHash: c.appHash } : { registered: false, seq: 0n, anchorHash: ZERO, appHash: ZERO };
    },
    async isAdmin(context, owner, who) {
      const o = lowerAddress(owner, 'owner');
      const w = lowerAddress(who, 'who');
      return w === o || (contexts.get(registryKey(context, o))?.admins.has(w) ?? false);
    },
    async isRevoked(context, owner, clientKey) {
      return contexts.get(registryKey(context, owner))?.adminRevoked.has(clientKey.toLowerCase() as Hash32) ?? false;
    },
    async events(context, owner, fromBlock, toBlock) {
      const key = registryKey(context, owner);
      return log.filter((l) => l.key === key && l.event.at.blockNumber >= fromBlock && l.event.at.blockNumber <= toBlock).map((l) => l.event);
    },
    async eventAt(context, owner, txHash, logIndex) {
      const key = registryKey(context, owner);
      return log.find((l) => l.key === key && l.event.at.txHash === txHash && l.event.at.logIndex === logIndex)?.event;
    },
    writer(fromIn) {
      const from = lowerAddress(fromIn, 'from');
      return {
        from,
        async submit(context, owner, mutation) {
          return submit(from, context, owner, mutation);
        },
        async wait(tx) {
          const confirmed = mined.get(tx.txHash);
          if (!confirmed) throw new Error(`memoryAnchorChain: no transaction ${tx.txHash}`);
          return confirmed;
        },
      };
    },
  };
}
