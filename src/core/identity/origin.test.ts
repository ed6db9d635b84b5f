import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, test } from 'vitest';
import { createReader, createWriter, DecodeError, EncodeError, finish, list, string } from '../codec/index.ts';
import { seedSigner } from '../crypto/index.ts';
import { signEthereumDelegation, signLocalDelegation, signStarknetDelegation } from './delegation.ts';
import { ORIGIN_LIMITS, OriginError, delegationOrigin, originProblem, originRefusal, originsField } from './origin.ts';
import { starkWallet } from './walletDoubles.testing.ts';

const NOW = Date.UTC(2026, 10, 24);
// A well-known development key (Hardhat/Anvil account 0): never holds real funds.
const ALICE = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

describe('canonical origins', () => {
  test.each(['https://tabnode.example', 'http://127.0.0.1:8080', 'http://localhost:5173', 'https://xn--bcher-kva.example', 'http://[::1]:8080'])('%s is canonical', (o) => {
    expect(originProblem(o)).toBeUndefined();
  });

  test.each([
    ['https://Tabnode.example', /scheme:\/\/host/],
    ['https://tabnode.example/', /no path/],
    ['https://tabnode.example/app', /no path/],
    ['tabnode.example', /scheme:\/\/host/],
    ['ftp://tabnode.example', /http or https/],
    ['https://tabnode.example:443', /default port of https: write it without :443/],
    ['http://tabnode.example:80', /default port/],
    ['http://tabnode.example:65536', /no valid port/],
    ['http://tabnode.example:080', /scheme:\/\/host/],
    ['https://user@tabnode.example', /scheme:\/\/host/],
    ['https://-bad.example', /scheme:\/\/host/],
    [`https://${'a.'.repeat(130)}example`, /over 256 bytes/],
  ])('%s is refused', (o, why) => {
    expect(originProblem(o)).toMatch(why);
  });

  test('a list of origins has one encoding: sorted, unique, bounded, each canonical', () => {
    const w = createWriter();
    originsField.encode(w, ['https://b.example', 'https://a.example', 'https://b.example']);
    const bytes = finish(w);
    expect(originsField.decode(createReader(bytes))).toEqual(['https://a.example', 'https://b.example']);

    const raw = (items: string[]) => {
      const out = createWriter();
      list(string(1024), 64).encode(out, items);
      return createReader(finish(out));
    };
    expect(() => originsField.decode(raw(['https://b.example', 'https://a.example']))).toThrow(DecodeError);
    expect(() => originsField.decode(raw(['https://a.example', 'https://a.example']))).toThrow(/sorted and unique/);
    expect(() => originsField.decode(raw(['https://A.example']))).toThrow(/scheme:\/\/host/);
    const many = Array.from({ length: ORIGIN_LIMITS.perContext + 1 }, (_, i) => `https://s${String(i).padStart(2, '0')}.example`);
    expect(() => originsField.decode(raw(many))).toThrow(DecodeError);
    expect(() => originsField.encode(createWriter(), many)).toThrow(EncodeError);
    expect(() => originsField.encode(createWriter(), ['https://tabnode.example/'])).toThrow(EncodeError);
  });
});

describe('the site a delegation was signed for', () => {
  async function ethereum(domain: string, uri: string) {
    const device = await seedSigner(new Uint8Array(32).fill(3));
    const claims = { clientKey: device.publicKey, label: 'Laptop', issuedAt: NOW, expiresAt: NOW + 86_400_000, chainId: 1 };
    return signEthereumDelegation(ALICE, claims, { domain, uri, nonce: 'n0nce1234abcd' });
  }

  test('a wallet proof names scheme://domain, the URI on that same origin', async () => {
    expect(delegationOrigin((await ethereum('tabnode.example', 'https://tabnode.example/')).proof)).toBe('https://tabnode.example');
    expect(delegationOrigin((await ethereum('127.0.0.1:8080', 'http://127.0.0.1:8080/join?x#y')).proof)).toBe('http://127.0.0.1:8080');
    const stark = await starkWallet();
    const device = await seedSigner(new Uint8Array(32).fill(5));
    const d = await signStarknetDelegation(stark, { clientKey: device.publicKey, label: 'Phone', issuedAt: NOW, expiresAt: NOW + 86_400_000 }, { domain: 'evil.example', uri: 'https://evil.example/', nonce: 'n0nce1234abcd' });
    expect(delegationOrigin(d.proof)).toBe('https://evil.example');
  });

  test.each([
    ['tabnode.example', 'https://evil.example/'],
    ['tabnode.example', 'https://tabnode.example.evil.example/'],
    ['tabnode.example', 'https://tabnode.example@evil.example/'],
    ['tabnode.example', 'ftp://tabnode.example/'],
    ['Tabnode.example', 'https://Tabnode.example/'],
  ])('domain %s with URI %s names no one site', async (domain, uri) => {
    const d = await ethereum(domain, uri);
    expect(() => delegationOrigin(d.proof)).toThrow(OriginError);
  });

  test("a local root's delegation names no site: its key lives in the app", async () => {
    const root = await seedSigner(new Uint8Array(32).fill(1));
    const d = await signLocalDelegation(root, { clientKey: (await seedSigner(new Uint8Array(32).fill(2))).publicKey, label: 'x', issuedAt: NOW, expiresAt: NOW + 1 });
    expect(delegationOrigin(d.proof)).toBeUndefined();
    expect(originRefusal(undefined, new Set())).toBeUndefined();
  });

  test('the refusal names the site and what the context allows', () => {
    expect(originRefusal('https://evil.example', new Set(['https://tabnode.example']))).toBe(
      'signed for https://evil.example, which this context does not allow (it allows https://tabnode.example)',
    );
    expect(originRefusal('https://evil.example', new Set())).toMatch(/allows no site/);
    expect(originRefusal('https://tabnode.example', new Set(['https://tabnode.example']))).toBeUndefined();
  });
});
