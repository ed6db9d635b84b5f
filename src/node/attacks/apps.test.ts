// Named attacks (docs/attacks.md): the context's application as a weapon.
import { beforeAll, describe, expect, test } from 'vitest';
import { sha256, toHex } from '../../core/crypto/index.ts';
import { ensureAppsBuilt, readApp, readTestModule } from '../../runtime/testkit.ts';
import { until } from '../testing.ts';
import { becomeMember } from './tactics.ts';
import { attackWorld, stagedPerTest } from './world.ts';

beforeAll(ensureAppsBuilt, 120_000);
const staged = stagedPerTest();

describe('attack: apps', () => {
  test('tampered WASM: a member answering with another binary is refused by hash and reported; the real one is used', async () => {
    const app = readApp('kv-store');
    const w = staged(await attackWorld({ app }));
    const tampered = app.slice();
    tampered[tampered.length - 1]! ^= 0xff;
    const toB = (await becomeMember(w, 'writer')) && (await w.attack(w.x.device, { name: 'X-serves', respond: (m, peer) => m.kind === 'app-want' && void peer.send({ kind: 'app', bytes: tampered }) })).get('B')!;
    await toB.next('heads');
    // A is away: B can only ask the attacker for the app.
    await w.a.contexts.open(w.id).setOnline(false);
    const call = w.b.contexts.open(w.id).write({ method: 'set', args: { key: 'with-real-app', value: 1 } });
    const shown = await until('B reports the tampered binary', async () => (await w.b.contexts.open(w.id).view()).rejected.find((r) => r.reason === 'bad-app'));
    expect(shown.message).toMatch(/not the app asked for/);
    expect(await w.b.apps.get(toHex(sha256(tampered)))).toBeUndefined();
    // A is back: B gets the real binary, and the call goes through.
    await w.a.contexts.open(w.id).setOnline(true);
    expect(await call).toMatchObject({ valid: true });
    expect(await w.b.apps.get(toHex(sha256(app)))).toEqual(app);
  }, 60_000);

  test('hostile WASM: an app that spins, bombs memory or traps fails that call with a clear error; nothing is written, the context goes on', async () => {
    const w = staged(await attackWorld({ app: readTestModule('hostile') }));
    const before = (await w.a.contexts.open(w.id).view()).stateRoot;
    // An endless loop is stopped by whichever limit it meets first (its host calls allocate).
    await expect(w.a.contexts.open(w.id).call('spin_calls', {})).rejects.toThrow(/time limit|out of memory/);
    await expect(w.a.contexts.open(w.id).call('bomb', {})).rejects.toThrow(/out of memory/);
    await expect(w.a.contexts.open(w.id).call('trap_midway', {})).rejects.toThrow(/unreachable/);
    expect((await w.a.contexts.open(w.id).view()).stateRoot).toBe(before);
    expect((await w.a.contexts.open(w.id).call('ok', {})).op?.valid).toBe(true);
    await until('B has the good call', async () => (await w.b.contexts.open(w.id).view()).stateRoot === (await w.a.contexts.open(w.id).view()).stateRoot);
  }, 60_000);
});
