import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, AnchorChain, AnchorRecord, AnchorWriter, Hash32, RegistryEvent, RegistryMutation } from '../../../core/anchor/AnchorChain.ts';
import { anchorRecordHash } from '../../../core/anchor/recordHash.ts';
import { RegistryRevertError } from './errors.ts';

/*
 * The behaviour every AnchorChain (with its writers) must have, as one vitest suite: the viem
 * adapter runs it against a real Hardhat node, the memory double in memory. Like
 * automerge-repo's network-adapter-tests: call it with a factory from a test file.
 */

export interface AnchorChainHarness {
  chain: AnchorChain;
  /** Writers acting as distinct accounts (0, 1, 2, … at least 4), each able to pay. */
  writer(index: number): AnchorWriter;
  close?(): Promise<void>;
}

const hash = (): Hash32 => `0x${randomBytes(32).toString('hex')}`;
const ZERO: Hash32 = `0x${'0'.repeat(64)}`;
const record = (epoch = 0n): AnchorRecord => ({ govHead: hash(), memberRoot: hash(), stateRoot: hash(), epoch });

export function anchorChainContract(name: string, setup: () => Promise<AnchorChainHarness>): void {
  describe(`AnchorChain contract: ${name}`, { timeout: 30_000 }, () => {
    let h: AnchorChainHarness;
    let owner: AnchorWriter;
    let admin: AnchorWriter;
    let stranger: AnchorWriter;
    let other: AnchorWriter;

    // Generous bounds: a real node shares the machine with the other test files.
    beforeAll(async () => {
      h = await setup();
      [owner, admin, stranger, other] = [h.writer(0), h.writer(1), h.writer(2), h.writer(3)];
    }, 60_000);
    afterAll(async () => {
      await h?.close?.();
    }, 15_000);

    /** Submits and waits; the confirmed tx. */
    const change = async (w: AnchorWriter, context: Hash32, ownerAddress: Address, m: RegistryMutation) => {
      const confirmed = await w.wait(await w.submit(context, ownerAddress, m));
      expect(confirmed.success).toBe(true);
      return confirmed;
    };
    const refused = async (w: AnchorWriter, context: Hash32, ownerAddress: Address, m: RegistryMutation): Promise<RegistryRevertError> => {
      const error = await w.submit(context, ownerAddress, m).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RegistryRevertError);
      return error as RegistryRevertError;
    };
    const registered = async (admins: Address[] = []) => {
      const context = hash();
      const appHash = hash();
      await change(owner, context, owner.from, { kind: 'register', appHash, admins });
      return { context, appHash };
    };
    const allEvents = async (context: Hash32, o: Address = owner.from): Promise<RegistryEvent[]> => h.chain.events(context, o, 0n, await h.chain.blockNumber());

    it('shows an unknown context as unregistered, with zero hashes', async () => {
      expect(await h.chain.view(hash(), owner.from)).toEqual({ registered: false, seq: 0n, anchorHash: ZERO, appHash: ZERO });
      expect(await allEvents(hash())).toEqual([]);
    });

    it('registers once, by the owner only, with its admins and app hash', async () => {
      const context = hash();
      const appHash = hash();
      expect((await refused(admin, context, owner.from, { kind: 'register', appHash, admins: [] })).errorName).toBe('NotOwner');
      const tx = await change(owner, context, owner.from, { kind: 'register', appHash, admins: [admin.from] });
      expect(await h.chain.view(context, owner.from)).toEqual({ registered: true, seq: 1n, anchorHash: ZERO, appHash });
      expect(await h.chain.isAdmin(context, owner.from, owner.from)).toBe(true);
      expect(await h.chain.isAdmin(context, owner.from, admin.from)).toBe(true);
      expect(await h.chain.isAdmin(context, owner.from, stranger.from)).toBe(false);
      const events = await allEvents(context);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'registered', seq: 1n, appHash, admins: [admin.from], by: owner.from });
      expect(events[0]!.at.txHash).toBe(tx.txHash);
      expect(events[0]!.at.blockNumber).toBe(tx.blockNumber);
      expect((await refused(owner, context, owner.from, { kind: 'register', appHash, admins: [] })).errorName).toBe('AlreadyRegistered');
    });

    it('anchors by an admin: seq moves, the stored hash is anchorRecordHash, the event has the full record', async () => {
      const { context } = await registered([admin.from]);
      const r = record(3n);
      const tx = await change(admin, context, owner.from, { kind: 'anchor', expectedSeq: 1n, record: r });
      const view = await h.chain.view(context, owner.from);
      expect(view.seq).toBe(2n);
      expect(view.anchorHash).toBe(anchorRecordHash(r));
      const anchored = (await allEvents(context)).filter((e) => e.kind === 'anchored');
      expect(anchored).toEqual([{ kind: 'anchored', seq: 2n, record: r, by: admin.from, at: expect.objectContaining({ txHash: tx.txHash, blockNumber: tx.blockNumber }) }]);
      const at = anchored[0]!.at;
      expect(at.timestamp).toBeGreaterThan(0);
      expect(await h.chain.eventAt(context, owner.from, at.txHash, at.logIndex)).toEqual(anchored[0]);
      expect(await h.chain.eventAt(context, stranger.from, at.txHash, at.logIndex)).toBeUndefined();
      expect(await h.chain.eventAt(context, owner.from, at.txHash, at.logIndex + 1)).toBeUndefined();
    });

    it('refuses changes by a non-admin, and changes to an unregistered context', async () => {
      const { context } = await registered();
      expect((await refused(stranger, context, owner.from, { kind: 'anchor', expectedSeq: 1n, record: record() })).errorName).toBe('NotAdmin');
      expect((await refused(stranger, context, owner.from, { kind: 'set-app', expectedSeq: 1n, appHash: hash() })).errorName).toBe('NotAdmin');
      expect((await refused(stranger, context, owner.from, { kind: 'set-admin', expectedSeq: 1n, admin: stranger.from, enabled: true })).errorName).toBe('NotAdmin');
      expect((await refused(owner, hash(), owner.from, { kind: 'anchor', expectedSeq: 0n, record: record() })).errorName).toBe('NotRegistered');
      expect((await refused(owner, hash(), owner.from, { kind: 'revoke-key', clientKey: hash() })).errorName).toBe('NotRegistered');
      expect((await h.chain.view(context, owner.from)).seq).toBe(1n);
    });

    it('compare-and-swap: a change on a seq that moved is refused with StaleSeq(expected, actual)', async () => {
      const { context } = await registered([admin.from]);
      await change(owner, context, owner.from, { kind: 'anchor', expectedSeq: 1n, record: record() });
      const stale = await refused(admin, context, owner.from, { kind: 'anchor', expectedSeq: 1n, record: record() });
      expect(stale.errorName).toBe('StaleSeq');
      expect(stale.args).toEqual([1n, 2n]);
      await change(admin, context, owner.from, { kind: 'set-app', expectedSeq: 2n, appHash: hash() });
      expect((await h.chain.view(context, owner.from)).seq).toBe(3n);
    });

    it('adds and removes admins; the owner is always one', async () => {
      const { context } = await registered();
      await change(owner, context, owner.from, { kind: 'set-admin', expectedSeq: 1n, admin: other.from, enabled: true });
      expect(await h.chain.isAdmin(context, owner.from, other.from)).toBe(true);
      await change(other, context, owner.from, { kind: 'anchor', expectedSeq: 2n, record: record() });
      await change(owner, context, owner.from, { kind: 'set-admin', expectedSeq: 3n, admin: other.from, enabled: false });
      expect(await h.chain.isAdmin(context, owner.from, other.from)).toBe(false);
      expect((await refused(other, context, owner.from, { kind: 'anchor', expectedSeq: 4n, record: record() })).errorName).toBe('NotAdmin');
      expect((await refused(owner, context, owner.from, { kind: 'set-admin', expectedSeq: 4n, admin: owner.from, enabled: false })).errorName).toBe('OwnerAlwaysAdmin');
      const kinds = (await allEvents(context)).map((e) => [e.kind, 'seq' in e ? e.seq : undefined]);
      expect(kinds).toEqual([
        ['registered', 1n],
        ['admin-set', 2n],
        ['anchored', 3n],
        ['admin-set', 4n],
      ]);
    });

    it('records the app hash', async () => {
      const { context } = await registered();
      const appHash = hash();
      await change(owner, context, owner.from, { kind: 'set-app', expectedSeq: 1n, appHash });
      expect((await h.chain.view(context, owner.from)).appHash).toBe(appHash);
      expect((await allEvents(context)).at(-1)).toMatchObject({ kind: 'app-set', seq: 2n, appHash, by: owner.from });
    });

    it('revocations are terminal and idempotent; a non-admin only records a self-claim', async () => {
      const { context } = await registered([admin.from]);
      const key = hash();
      await change(stranger, context, owner.from, { kind: 'revoke-key', clientKey: key });
      expect(await h.chain.isRevoked(context, owner.from, key)).toBe(false); // a stranger's claim is not an admin revocation
      await change(admin, context, owner.from, { kind: 'revoke-key', clientKey: key });
      expect(await h.chain.isRevoked(context, owner.from, key)).toBe(true);
      await change(admin, context, owner.from, { kind: 'revoke-key', clientKey: key }); // repeat: no change, no event
      const revoked = (await allEvents(context)).filter((e) => e.kind === 'key-revoked');
      expect(revoked.map((e) => e.kind === 'key-revoked' && [e.by, e.asAdmin, e.clientKey])).toEqual([
        [stranger.from, false, key],
        [admin.from, true, key],
      ]);
      // Removing the admin does not bring the key back; revocations do not move seq.
      expect((await h.chain.view(context, owner.from)).seq).toBe(1n);
      await change(owner, context, owner.from, { kind: 'set-admin', expectedSeq: 1n, admin: admin.from, enabled: false });
      expect(await h.chain.isRevoked(context, owner.from, key)).toBe(true);
    });

    it('squatting: a context id registered under another address is another context', async () => {
      const context = hash();
      const squatter = stranger;
      await change(squatter, context, squatter.from, { kind: 'register', appHash: hash(), admins: [] });
      await change(squatter, context, squatter.from, { kind: 'anchor', expectedSeq: 1n, record: record() });
      const appHash = hash();
      await change(owner, context, owner.from, { kind: 'register', appHash, admins: [] });
      expect(await h.chain.view(context, owner.from)).toEqual({ registered: true, seq: 1n, anchorHash: ZERO, appHash });
      const events = await allEvents(context, owner.from);
      expect(events.map((e) => [e.kind, 'by' in e ? e.by : undefined])).toEqual([['registered', owner.from]]);
      expect(await h.chain.isAdmin(context, owner.from, squatter.from)).toBe(false);
    });

    it('reads events in a block range, in chain order', async () => {
      const { context } = await registered();
      const first = await change(owner, context, owner.from, { kind: 'anchor', expectedSeq: 1n, record: record() });
      const second = await change(owner, context, owner.from, { kind: 'anchor', expectedSeq: 2n, record: record() });
      expect((await h.chain.events(context, owner.from, first.blockNumber, first.blockNumber)).map((e) => e.kind === 'anchored' && e.seq)).toEqual([2n]);
      expect((await h.chain.events(context, owner.from, first.blockNumber, second.blockNumber)).map((e) => e.kind === 'anchored' && e.seq)).toEqual([2n, 3n]);
      expect(await h.chain.events(context, owner.from, second.blockNumber + 1n, second.blockNumber)).toEqual([]);
      expect(await h.chain.blockNumber()).toBeGreaterThanOrEqual(second.blockNumber);
    });
  });
}
