import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { encodeMutation, encodeRelayed } from '../../src/adapters/chain/registry/calldata.ts';
import { startRegistryNode, type RegistryNode } from '../../src/adapters/chain/registry/testkit.ts';
import { registryTypedData } from '../../src/adapters/chain/registry/typedData.ts';
import { viemAnchorChain } from '../../src/adapters/chain/registry/viemAnchorChain.ts';
import type { Address, Hash32 } from '../../src/core/anchor/AnchorChain.ts';
import { startServer, type RunningServer } from '../main.ts';
import { tempDist } from './chainTestKit.ts';
import { RELAYED_SELECTORS } from './relay.ts';

// The dev relayer on a real chain with the real registry: it sends signed (…BySig) calls only.
let chain: RegistryNode;
let server: RunningServer;
let relayUrl: string;
const dist = tempDist();
const word = (b: number) => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as Hash32;

beforeAll(async () => {
  chain = await startRegistryNode();
  server = await startServer({ port: 0, distDir: dist.dir, chain: { rpcUrl: chain.url, registry: chain.registry, faucet: true }, chainService: { relay: { burstPerIp: 5, secondsPerRequest: 60 } } });
  await server.chain;
  relayUrl = new URL('/chain/relay', server.url).href;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await chain?.stop();
  dist.remove();
});

const relay = (body: unknown) => fetch(relayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /chain/relay (dev chains)', () => {
  it('sends an owner-signed registration and anchor, paid by the relayer; refuses anything unsigned or tampered', async () => {
    const owner = privateKeyToAccount(generatePrivateKey()); // holds no ETH at all
    const ownerAddress = owner.address.toLowerCase() as Address;
    const context = word(7);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 600);
    const signed = async (mutation: Parameters<typeof encodeMutation>[2]) => {
      const td = registryTypedData({ chainId: chain.chainId, registry: chain.registry, context, owner: ownerAddress, mutation, deadline });
      const signature = await owner.signTypedData(td as never);
      return encodeRelayed(context, ownerAddress, mutation, ownerAddress, deadline, signature);
    };
    const pub = createPublicClient({ transport: http(chain.url) });

    const register = await relay({ data: await signed({ kind: 'register', appHash: word(1), admins: [] }) });
    expect(register.status).toBe(200);
    const { txHash, relayer } = (await register.json()) as { txHash: `0x${string}`; relayer: string };
    expect((await pub.waitForTransactionReceipt({ hash: txHash })).status).toBe('success');
    expect(relayer).not.toBe(ownerAddress);

    const record = { govHead: word(2), memberRoot: word(3), stateRoot: word(4), epoch: 0n };
    const anchor = await relay({ data: await signed({ kind: 'anchor', expectedSeq: 1n, record }) });
    await pub.waitForTransactionReceipt({ hash: ((await anchor.json()) as { txHash: `0x${string}` }).txHash });
    const reader = viemAnchorChain({ rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry });
    expect((await reader.view(context, ownerAddress)).seq).toBe(2n);

    // Not a signed call: the relayer would be the authority. Refused before it reaches the chain.
    const unsigned = await relay({ data: await encodeMutation(context, ownerAddress, { kind: 'anchor', expectedSeq: 2n, record }) });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { error: string }).error).toMatch(/only sends the registry’s signed/);
    // A signed call with another record than the one signed: the contract refuses it.
    const honest = await signed({ kind: 'anchor', expectedSeq: 2n, record });
    const tampered = honest.replace(word(2).slice(2), word(9).slice(2));
    const refused = await relay({ data: tampered });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: string }).error).toMatch(/BadSignature|revert/i);
    expect((await reader.view(context, ownerAddress)).seq).toBe(2n);
    // The honest signed call still goes through afterwards.
    const ok = await relay({ data: honest });
    await pub.waitForTransactionReceipt({ hash: ((await ok.json()) as { txHash: `0x${string}` }).txHash });
    expect((await reader.view(context, ownerAddress)).seq).toBe(3n);
  });

  it('is rate-limited per client and bounded in size', async () => {
    const big = await relay({ data: `0x${'00'.repeat(9000)}` });
    expect(big.status).toBe(413);
    // Signed-call shaped but junk: each one reaches the chain (and reverts) until the bucket is empty.
    const junk = `${[...RELAYED_SELECTORS][0]}${'00'.repeat(64)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await relay({ data: junk })).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 429).length).toBeLessThan(4);
  });
});
