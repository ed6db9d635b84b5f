import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { createReplica } from '../context/replica.ts';
import { genesis, invite, joinBody, op, person, recordingSink, T0, type Device } from '../context/testkit.ts';
import { seedSigner, toHex } from '../crypto/index.ts';
import { emptyGovState } from '../governance/state.ts';
import { delegationCodec, signEthereumDelegation } from '../identity/index.ts';
import { admitPeer, authenticatePeer, signHandshake } from './handshake.ts';

const APP = 'https://tabnode.example';
const EVIL = 'https://evil.example';
const DAY = 86_400_000;
// A well-known development key (Hardhat/Anvil account 0): never holds real funds.
const ALICE = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

async function aliceDevice(site: string, n: number): Promise<Device> {
  const signer = await seedSigner(new Uint8Array(32).fill(n));
  const d = await signEthereumDelegation(
    ALICE,
    { clientKey: signer.publicKey, label: site, issuedAt: T0 - DAY, expiresAt: T0 + 300 * DAY, chainId: 1 },
    { domain: new URL(site).host, uri: `${site}/`, nonce: 'n0nce1234abcd' },
  );
  return { signer, delegation: delegationCodec.encode(d) };
}

/** Runs the handshake's authentication as the other side would, then admission against `g`. */
async function handshake(device: Device, context: Uint8Array, g = emptyGovState()) {
  const myNonce = new Uint8Array(32).fill(1);
  const theirNonce = new Uint8Array(32).fill(2);
  const auth = await authenticatePeer({
    context,
    key: device.signer.publicKey,
    delegation: device.delegation,
    signature: await signHandshake(device.signer, context, theirNonce, myNonce),
    theirNonce,
    myNonce,
    now: T0,
  });
  expect(auth.ok).toBe(true);
  return { auth, admission: await admitPeer(auth.claims!, { kind: 'member' }, context, g, T0, auth.origin) };
}

describe('handshake admission checks the site a wallet delegation was signed for', { timeout: 30_000 }, () => {
  test('a member whose device was delegated on a foreign site is refused, with the reason; on the app it is admitted', async () => {
    const onApp = await aliceDevice(APP, 3);
    const g = await genesis({ device: onApp }, 'Origins', T0, [APP]);
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g]);
    expect(replica.verdict(toHex(g.id))).toEqual({ valid: true });

    const ok = await handshake(await aliceDevice(APP, 4), g.id, replica.governance());
    expect(ok.auth.origin).toBe(APP);
    expect(ok.admission).toMatchObject({ ok: true, standing: 'member' });

    const phished = await handshake(await aliceDevice(EVIL, 5), g.id, replica.governance());
    expect(phished.auth.origin).toBe(EVIL);
    expect(phished.admission).toEqual({
      ok: false,
      reason: 'origin-not-allowed',
      message: `the wallet delegation of eip155:1:${ALICE.address} was signed for ${EVIL}, which this context does not allow (it allows ${APP})`,
    });
  });

  test('a node with no history yet admits provisionally and judges again once it has it', async () => {
    const { admission } = await handshake(await aliceDevice(EVIL, 6), new Uint8Array(32));
    expect(admission).toMatchObject({ ok: true, standing: 'member' });
  });

  test("a local root's device names no site and is admitted whatever the origins", async () => {
    const a = await person('A', 1);
    const g = await genesis(a, 'Local', T0, [APP]);
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g]);
    const { auth, admission } = await handshake(a.device, g.id, replica.governance());
    expect(auth.origin).toBeUndefined();
    expect(admission).toMatchObject({ ok: true });
  });

  test('an invite made by a key delegated on a site no longer allowed admits nobody', async () => {
    const a = await person('A', 1);
    const alice = await aliceDevice(APP, 7);
    const g = await genesis(a, 'Invites', T0, [APP]);
    const join = await op(alice, g.id, [g], joinBody(alice, await invite(a.device, g.id, { role: 'admin' })));
    const aliceInvite = await invite(alice, g.id, { role: 'writer', nonce: 2 });
    const removal = await op(a.device, g.id, [join], { kind: 'set-origins', add: [], remove: [APP] });
    const replica = createReplica(g.id, recordingSink());
    await replica.receive([g, join, removal]);
    const joiner = await person('B', 2);
    const auth = await authenticatePeer({
      context: g.id,
      key: joiner.device.signer.publicKey,
      delegation: joiner.device.delegation,
      signature: await signHandshake(joiner.device.signer, g.id, new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)),
      theirNonce: new Uint8Array(32).fill(2),
      myNonce: new Uint8Array(32).fill(1),
      now: T0,
    });
    const admission = await admitPeer(auth.claims!, { kind: 'invite', invite: aliceInvite }, g.id, replica.governance(), T0);
    expect(admission).toMatchObject({ ok: false, reason: 'bad-invite', message: expect.stringContaining(`signed for ${APP}, which this context does not allow`) });
  });
});
