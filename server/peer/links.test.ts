import { describe, expect, test } from 'vitest';
import { genesis, invite, person, T0 } from '../../src/core/context/testkit.ts';
import { toHex } from '../../src/core/crypto/index.ts';
import { inviteLink } from '../../src/core/invitation/index.ts';
import { readRelayLink } from './links.ts';

const DAY = 86_400_000;

async function links() {
  const a = await person('A', 91);
  const g = await genesis(a);
  const relay = inviteLink('http://127.0.0.1:8080', await invite(a.device, g.id, { role: 'relay', nonce: 1 }));
  const writer = inviteLink('http://127.0.0.1:8080', await invite(a.device, g.id, { role: 'writer', nonce: 2 }));
  return { g, relay, writer };
}

describe('relay invite links, checked before the browser starts', () => {
  test('a relay invite: its site, context and expiry', async () => {
    const { g, relay } = await links();
    await expect(readRelayLink(`  ${relay}\n`, T0)).resolves.toEqual({
      link: relay,
      origin: 'http://127.0.0.1:8080',
      contextId: toHex(g.id),
      contextName: 'Test context',
      expiresAt: T0 + 7 * DAY,
    });
  });

  test('not a link, not a join link, another scheme, a damaged invite', async () => {
    const { relay } = await links();
    await expect(readRelayLink('hello', T0)).rejects.toThrow(/"hello" is not a link: pass the whole invite link/);
    await expect(readRelayLink(relay.replace('/join', '/'), T0)).rejects.toThrow(/is not an invite link \(expected http:\/\/127\.0\.0\.1:8080\/join#…\)/);
    await expect(readRelayLink('http://127.0.0.1:8080/join', T0)).rejects.toThrow(/is not an invite link/);
    await expect(readRelayLink(relay.replace('http:', 'ftp:'), T0)).rejects.toThrow(/is not an http\(s\) link/);
    await expect(readRelayLink(relay.slice(0, -20), T0)).rejects.toThrow(/the invite in the link is damaged/);
    await expect(readRelayLink(`${relay.slice(0, 40)}!!!`, T0)).rejects.toThrow(/not base64url/);
  });

  test('an expired invite, and one whose signature does not hold, say so and what to do', async () => {
    const { relay } = await links();
    await expect(readRelayLink(relay, T0 + 8 * DAY)).rejects.toThrow(/the invite to "Test context" has expired: .*ask an admin for a new relay invite/);
    // Flip a byte inside the signed claims: it still decodes, the signature fails.
    const hash = relay.indexOf('#') + 1;
    const at = hash + 20;
    const flipped = relay.slice(0, at) + (relay[at] === 'A' ? 'B' : 'A') + relay.slice(at + 1);
    await expect(readRelayLink(flipped, T0)).rejects.toThrow(/is not valid|damaged/);
  });

  test('an invite for another role is refused: a peer only relays', async () => {
    const { writer } = await links();
    await expect(readRelayLink(writer, T0)).rejects.toThrow(/makes a writer, not a relay/);
  });
});
