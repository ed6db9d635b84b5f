import fc from 'fast-check';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { deltaBody, genesis, invite, joinBody, op, person, recordingSink, shuffle, T0, type Device } from '../context/testkit.ts';
import { seedSigner, toHex, type Signer } from '../crypto/index.ts';
import { delegationCodec, ORIGIN_LIMITS, signEthereumDelegation, type RootId } from '../identity/index.ts';
import { idKey, type Op, type OpBody } from '../ops/op.ts';

/*
 * Allowed origins (docs/decisions/allowed-origins.md): every peer checks the site a wallet
 * delegation was signed for against the context's allowed origins, at the op's causal point,
 * and removing a site beats concurrent ops of keys delegated there.
 */

const APP = 'https://tabnode.example';
const OLD = 'https://old.tabnode.example';
const EVIL = 'https://evil.example';
const DAY = 86_400_000;

interface WalletPerson {
  rootId: RootId;
  /** A new device key, delegated by this wallet on `site`. */
  deviceOn(site: string, label?: string): Promise<Device>;
  /** A new delegation of an existing key, signed on `site` (signing in again there). */
  delegateOn(signer: Signer, site: string): Promise<Device>;
  device: Device;
}

let seeds = 500;

/** An Ethereum account (real secp256k1 key) signing SIWE delegations as a wallet would. */
async function walletPerson(n: number, site = APP): Promise<WalletPerson> {
  const account = privateKeyToAccount(`0x${(n + 1).toString(16).padStart(64, '0')}`);
  const delegateOn = async (signer: Signer, on: string, label = 'device', issuedAt = T0 - DAY): Promise<Device> => {
    const d = await signEthereumDelegation(
      account,
      { clientKey: signer.publicKey, label, issuedAt, expiresAt: issuedAt + 300 * DAY, chainId: 1 },
      { domain: new URL(on).host, uri: `${on}/`, nonce: 'n0nce1234abcd' },
    );
    return { signer, delegation: delegationCodec.encode(d) };
  };
  const deviceOn = async (on: string, label?: string): Promise<Device> => {
    const seed = new Uint8Array(32);
    seed.set([seeds & 0xff, seeds++ >> 8, 0x77]);
    return delegateOn(await seedSigner(seed), on, label);
  };
  return { rootId: `eip155:1:${account.address}` as RootId, deviceOn, delegateOn: (signer, on) => delegateOn(signer, on, 'device', T0), device: await deviceOn(site) };
}

const key = (o: Op) => idKey(o.id);

/** Owner W (a wallet on APP), context allowing APP and OLD; writer V joined on OLD; admin L (a local root). */
async function world() {
  const w = await walletPerson(1);
  const v = await walletPerson(2, OLD);
  const l = await person('L', 3);
  const g = await genesis(w, 'Origins', T0, [APP, OLD]);
  const ctx = g.id;
  const joinV = await op(v.device, ctx, [g], joinBody(v.device, await invite(w.device, ctx, { role: 'writer', nonce: 1 })));
  const joinL = await op(l.device, ctx, [joinV], joinBody(l.device, await invite(w.device, ctx, { role: 'admin', nonce: 2 })));
  const sink = recordingSink();
  const replica = createReplica(ctx, sink);
  const r = await replica.receive([g, joinV, joinL]);
  expect(r.rejected).toEqual([]);
  for (const x of [g, joinV, joinL]) expect(replica.verdict(key(x))).toEqual({ valid: true });
  return { w, v, l, g, ctx, joinV, joinL, replica, sink };
}

async function verdictOf(replica: ReturnType<typeof createReplica>, o: Op) {
  const r = await replica.receive([o]);
  if (r.rejected.length) return { rejected: r.rejected[0]!.reason, message: r.rejected[0]!.message };
  return replica.verdict(key(o));
}

// Secp256k1 signing and recovery in every world: slow on a loaded machine.
describe('wallet delegations are checked against the allowed origins', { timeout: 30_000 }, () => {
  test('genesis records its origins; a key registers with the site it was delegated on', async () => {
    const { replica, w, v, l } = await world();
    const g = replica.governance();
    expect([...g.origins].sort()).toEqual([OLD, APP].sort());
    const siteOf = (d: Device) => g.keys.get(toHex(d.signer.publicKey))?.origin;
    expect(siteOf(w.device)).toBe(APP);
    expect(siteOf(v.device)).toBe(OLD);
    expect(siteOf(l.device)).toBeUndefined();
  });

  test('a join whose wallet delegation was signed for a foreign site is invalid, with the reason', async () => {
    const { replica, w, ctx, joinL } = await world();
    const p = await walletPerson(4);
    const phished = await p.deviceOn(EVIL, 'phished');
    const join = await op(phished, ctx, [joinL], joinBody(phished, await invite(w.device, ctx, { nonce: 3 })));
    expect(await verdictOf(replica, join)).toEqual({
      valid: false,
      reason: 'origin-not-allowed',
      message: `the author key's delegation was signed for ${EVIL}, which this context does not allow (it allows ${OLD}, ${APP})`,
    });
    expect(replica.governance().members.has(p.rootId)).toBe(false);
    // The same person signing in on the app itself joins with the same invite.
    const join2 = await op(p.device, ctx, [joinL], joinBody(p.device, await invite(w.device, ctx, { nonce: 3 })));
    expect(await verdictOf(replica, join2)).toEqual({ valid: true });
  });

  test("an add-device for a member's key phished on another site is invalid; that key can write nothing", async () => {
    const { replica, w, ctx, joinL, sink } = await world();
    const phished = await w.deviceOn(EVIL, 'phished');
    const add = await op(phished, ctx, [joinL], { kind: 'add-device', delegation: phished.delegation });
    expect(await verdictOf(replica, add)).toMatchObject({ valid: false, reason: 'origin-not-allowed' });
    const write = await op(phished, ctx, [add], deltaBody('stolen'));
    expect(await verdictOf(replica, write)).toMatchObject({ valid: false, reason: 'unknown-key' });
    const takeover = await op(phished, ctx, [add], { kind: 'set-origins', add: [EVIL], remove: [] });
    expect(await verdictOf(replica, takeover)).toMatchObject({ valid: false });
    expect(sink.applied.size).toBe(0);
    expect(replica.governance().origins.has(EVIL)).toBe(false);
  });

  test('a genesis whose owner signed on a site it does not allow is invalid', async () => {
    const w = await walletPerson(5, EVIL);
    const g = await genesis(w, 'Phished', T0, [APP]);
    const replica = createReplica(g.id, recordingSink());
    expect(await verdictOf(replica, g)).toMatchObject({ valid: false, reason: 'origin-not-allowed', message: expect.stringContaining(`signed for ${EVIL}`) });
    expect(replica.governance().members.size).toBe(0);
  });

  test("local roots' delegations name no site and are accepted whatever the origins", async () => {
    const a = await person('A', 6);
    const b = await person('B', 7);
    const g = await genesis(a, 'Local', T0, []);
    const replica = createReplica(g.id, recordingSink());
    expect(await verdictOf(replica, g)).toEqual({ valid: true });
    const join = await op(b.device, g.id, [g], joinBody(b.device, await invite(a.device, g.id)));
    expect(await verdictOf(replica, join)).toEqual({ valid: true });
    expect(await verdictOf(replica, await op(b.device, g.id, [join], deltaBody('b')))).toEqual({ valid: true });
  });
});

describe('removing an allowed origin', { timeout: 30_000 }, () => {
  test('keys delegated there can no longer act; what they wrote before stays; a new delegation on an allowed site restores them', async () => {
    const { replica, sink, w, v, ctx, joinL } = await world();
    const before = await op(v.device, ctx, [joinL], deltaBody('before'));
    expect(await verdictOf(replica, before)).toEqual({ valid: true });
    const removal = await op(w.device, ctx, [before], { kind: 'set-origins', add: [], remove: [OLD] });
    expect(await verdictOf(replica, removal)).toEqual({ valid: true });
    const after = await op(v.device, ctx, [removal], deltaBody('after'));
    expect(await verdictOf(replica, after)).toEqual({
      valid: false,
      reason: 'origin-not-allowed',
      message: `the author key's delegation was signed for ${OLD}, which this context does not allow (it allows ${APP})`,
    });
    expect([...sink.applied.values()]).toEqual(['before']);

    // V signs in again on the app: a new delegation of the same key, announced by add-device.
    const renewed = await v.delegateOn(v.device.signer, APP);
    const announce = await op(renewed, ctx, [removal], { kind: 'add-device', delegation: renewed.delegation });
    expect(await verdictOf(replica, announce)).toEqual({ valid: true });
    expect(await verdictOf(replica, await op(v.device, ctx, [announce], deltaBody('again')))).toEqual({ valid: true });
  });

  test('an invite signed by a key delegated on a removed site admits nobody', async () => {
    const { replica, w, v, ctx, joinL } = await world();
    const promote = await op(w.device, ctx, [joinL], { kind: 'set-role', member: v.rootId, role: 'admin' });
    const fromV = await invite(v.device, ctx, { nonce: 13 });
    const removal = await op(w.device, ctx, [promote], { kind: 'set-origins', add: [], remove: [OLD] });
    await replica.receive([promote, removal]);
    const p = await walletPerson(14);
    const join = await op(p.device, ctx, [removal], joinBody(p.device, fromV));
    expect(await verdictOf(replica, join)).toMatchObject({ valid: false, reason: 'invite-not-authorized', message: expect.stringContaining(`signed for ${OLD}`) });
  });

  test('an op concurrent with the removal is invalid, in every arrival order', async () => {
    const { w, v, ctx, joinL, g, joinV } = await world();
    const late = await walletPerson(8, OLD);
    const removal = await op(w.device, ctx, [joinL], { kind: 'set-origins', add: [], remove: [OLD] });
    const concurrentWrite = await op(v.device, ctx, [joinL], deltaBody('racing'));
    const concurrentJoin = await op(late.device, ctx, [joinL], joinBody(late.device, await invite(w.device, ctx, { nonce: 9 })));
    const base = [g, joinV, joinL];
    const racing = [removal, concurrentWrite, concurrentJoin];
    const orders = [racing, [...racing].reverse(), [racing[1]!, racing[0]!, racing[2]!]];
    for (const order of orders) {
      const sink = recordingSink();
      const replica = createReplica(ctx, sink);
      for (const o of [...base, ...order]) await replica.receive([o]);
      expect(replica.verdict(key(removal))).toEqual({ valid: true });
      expect(replica.verdict(key(concurrentWrite))).toMatchObject({ valid: false, reason: 'origin-removed-concurrently' });
      expect(replica.verdict(key(concurrentJoin))).toMatchObject({ valid: false, reason: 'origin-removed-concurrently' });
      expect(sink.applied.size).toBe(0);
      expect(replica.governance().members.has(late.rootId)).toBe(false);
    }
  });

  test('a concurrent removal of an owner by a member on the removed site loses to the higher role', async () => {
    const { w, ctx, joinL, g, joinV } = await world();
    // Two owners: W removes OLD while O2, signed in on OLD, concurrently removes W.
    const o2 = await walletPerson(9, OLD);
    const joinO2 = await op(o2.device, ctx, [joinL], joinBody(o2.device, await invite(w.device, ctx, { role: 'admin', nonce: 10 })));
    const promote = await op(w.device, ctx, [joinO2], { kind: 'set-role', member: o2.rootId, role: 'owner' });
    const removal = await op(w.device, ctx, [promote], { kind: 'set-origins', add: [], remove: [OLD] });
    const counter = await op(o2.device, ctx, [promote], { kind: 'remove', member: w.rootId });
    for (const order of [[removal, counter], [counter, removal]]) {
      const replica = createReplica(ctx, recordingSink());
      for (const o of [g, joinV, joinL, joinO2, promote, ...order]) await replica.receive([o]);
      // Both owners: the tie goes to the op earlier in (depth, id) order; either way one stands.
      const valid = [removal, counter].filter((o) => replica.verdict(key(o))?.valid);
      expect(valid).toHaveLength(1);
    }
  });
});

describe('set-origins', { timeout: 30_000 }, () => {
  test('only owners change origins, never removing the site they signed in on, within the bounds', async () => {
    const { replica, w, l, ctx, joinL } = await world();
    const at = [joinL];
    const setBy = async (d: Device, add: string[], remove: string[]) => verdictOf(replica, await op(d, ctx, at, { kind: 'set-origins', add, remove }));
    expect(await setBy(l.device, [EVIL], [])).toMatchObject({ valid: false, reason: 'insufficient-role' });
    expect(await setBy(w.device, [], [APP])).toMatchObject({ valid: false, reason: 'origin-in-use', message: expect.stringContaining('allow the new site, sign in there') });
    expect(await setBy(w.device, [APP], [])).toMatchObject({ valid: false, reason: 'bad-origins', message: `${APP} is already allowed` });
    expect(await setBy(w.device, [], [EVIL])).toMatchObject({ valid: false, reason: 'bad-origins' });
    const many = Array.from({ length: ORIGIN_LIMITS.perContext - 1 }, (_, i) => `https://s${i}.example`);
    expect(await setBy(w.device, many, [])).toMatchObject({ valid: false, reason: 'bad-origins', message: expect.stringContaining(`at most ${ORIGIN_LIMITS.perContext}`) });
    expect(await setBy(w.device, [EVIL], [EVIL])).toMatchObject({ rejected: 'malformed' });
    expect(await setBy(w.device, [], [])).toMatchObject({ rejected: 'malformed' });
    expect(await setBy(w.device, ['https://new.example'], [OLD])).toEqual({ valid: true });
    expect([...replica.governance().origins].sort()).toEqual(['https://new.example', APP].sort());
  });

  test('concurrent additions never pass the bound', async () => {
    const { replica, w, ctx, joinL } = await world();
    const second = await walletPerson(11);
    const join2 = await op(second.device, ctx, [joinL], joinBody(second.device, await invite(w.device, ctx, { role: 'admin', nonce: 12 })));
    const promote = await op(w.device, ctx, [join2], { kind: 'set-role', member: second.rootId, role: 'owner' });
    await replica.receive([join2, promote]);
    const room = ORIGIN_LIMITS.perContext - 2;
    const a = await op(w.device, ctx, [promote], { kind: 'set-origins', add: Array.from({ length: room }, (_, i) => `https://a${i}.example`), remove: [] });
    const b = await op(second.device, ctx, [promote], { kind: 'set-origins', add: Array.from({ length: room }, (_, i) => `https://b${i}.example`), remove: [] });
    await replica.receive([a, b]);
    expect(replica.verdict(key(a))?.valid && replica.verdict(key(b))?.valid).toBe(true);
    expect(replica.governance().origins.size).toBe(ORIGIN_LIMITS.perContext);
  });
});

describe('convergence with origins racing', () => {
  // Property: random histories of wallet members on three sites, with owners adding and
  // removing sites while members write and sign in again: every arrival order gives the
  // same verdicts, origins and state.
  test('every arrival order gives the same verdicts, origins and state', async () => {
    const sites = [APP, OLD, EVIL];
    const owner = await walletPerson(20);
    const members = await Promise.all([21, 22, 23].map((n, i) => walletPerson(n, sites[i % 2]!)));
    const spare = await Promise.all(members.map(async (m) => Promise.all(sites.map((s) => m.deviceOn(s)))));
    const actionArb = fc.record({ who: fc.nat(3), kind: fc.nat(4), site: fc.nat(2), back: fc.nat(3) });
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 4, maxLength: 16 }), fc.nat(), async (actions, seed) => {
        const g = await genesis(owner, 'Race', T0, [APP, OLD]);
        const ctx = g.id;
        const ops: Op[] = [g];
        let t = T0 + 1000;
        for (const [i, m] of members.entries()) {
          ops.push(await op(m.device, ctx, [ops.at(-1)!], joinBody(m.device, await invite(owner.device, ctx, { role: i === 0 ? 'owner' : 'writer', nonce: 40 + i })), t++));
        }
        for (const a of actions) {
          const parent = ops[Math.max(0, ops.length - 1 - a.back)]!;
          const actorDevice = a.who === 3 ? owner.device : members[a.who]!.device;
          let body: OpBody;
          let device = actorDevice;
          if (a.kind === 0) body = deltaBody(`w${t}`);
          else if (a.kind === 1 && a.who < 3) {
            device = spare[a.who]![a.site]!;
            body = { kind: 'add-device', delegation: device.delegation };
          } else {
            const site = sites[a.site]!;
            body = a.kind === 2 ? { kind: 'set-origins', add: [site], remove: [] } : { kind: 'set-origins', add: [], remove: [site] };
          }
          ops.push(await op(device, ctx, [parent], body, t++));
        }
        const replay = async (order: Op[]) => {
          const sink = recordingSink();
          const replica = createReplica(ctx, sink);
          for (const o of order) await replica.receive([o]);
          return {
            verdicts: ops.map((o) => replica.verdict(key(o))?.valid ?? 'absent'),
            origins: [...replica.governance().origins].sort(),
            applied: [...sink.applied.keys()].sort(),
            valid: ops.filter((o) => o.body.kind === 'delta' && replica.verdict(key(o))?.valid).map(key).sort(),
          };
        };
        const reference = await replay(ops);
        expect(reference.applied).toEqual(reference.valid);
        expect(await replay(shuffle(ops, seed))).toEqual(reference);
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

