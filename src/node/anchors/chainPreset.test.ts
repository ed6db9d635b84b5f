import { describe, expect, it } from 'vitest';
import { fetchChainPreset, parseChainPreset } from './chainPreset.ts';
import { FaucetError, fundFromFaucet } from './devServices.ts';

const good = { kind: 'local', chainId: 31337, registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3', rpcPath: '/chain', faucet: true, relay: true };

describe('chain preset', () => {
  it('takes what the server offers, registry in lower case', () => {
    expect(parseChainPreset(good)).toEqual({ ...good, registry: good.registry.toLowerCase() });
  });

  it('ignores anything malformed: no chain rather than a wrong one', () => {
    for (const bad of [null, 'x', { ...good, kind: 'none' }, { ...good, chainId: -1 }, { ...good, registry: '0x12' }, { ...good, rpcPath: 'https://evil.example/' }, { ...good, rpcPath: '//evil.example' }]) {
      expect(parseChainPreset(bad)).toBeUndefined();
    }
  });

  it('is undefined when the server has no chain or does not answer', async () => {
    const notFound = (async () => new Response('no', { status: 404 })) as typeof fetch;
    const failing = (async () => {
      throw new TypeError('network down');
    }) as typeof fetch;
    const huge = (async () => new Response('x'.repeat(10_000))) as typeof fetch;
    expect(await fetchChainPreset('http://127.0.0.1:1', notFound)).toBeUndefined();
    expect(await fetchChainPreset('http://127.0.0.1:1', failing)).toBeUndefined();
    expect(await fetchChainPreset('http://127.0.0.1:1', huge)).toBeUndefined();
    const ok = (async () => new Response(JSON.stringify(good))) as typeof fetch;
    expect((await fetchChainPreset('http://127.0.0.1:1', ok))?.chainId).toBe(31337);
  });
});

describe('dev faucet', () => {
  const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;
  const address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

  it('returns the funding transaction', async () => {
    let asked: unknown;
    const ok = (async (_url: URL, init: RequestInit) => {
      asked = JSON.parse(init.body as string);
      return new Response(JSON.stringify({ address, amountWei: '1', txHash: '0xabc' }));
    }) as unknown as typeof fetch;
    expect(await fundFromFaucet('http://127.0.0.1:1', address, ok)).toBe('0xabc');
    expect(asked).toEqual({ address });
  });

  it('says why it was refused, in the faucet’s words', async () => {
    await expect(fundFromFaucet('http://127.0.0.1:1', address, answer(429, { error: 'faucet rate limit: 5 requests, then one per 12 s; try again later' }))).rejects.toThrow(/rate limit/);
    await expect(fundFromFaucet('http://127.0.0.1:1', address, answer(404, {}))).rejects.toThrow(/offers no faucet/);
    await expect(fundFromFaucet('http://127.0.0.1:1', 'nope', answer(200, {}))).rejects.toThrow(FaucetError);
  });
});
