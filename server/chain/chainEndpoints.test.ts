import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletClient, http, parseEther, publicActions } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { hardhat } from 'viem/chains';
import { startHardhatNode } from '../../src/adapters/chain/hardhatNode.ts';
import type { HardhatNode } from '../../src/adapters/chain/hardhatNode.ts';
import { startServer } from '../main.ts';
import type { RunningServer } from '../main.ts';
import { call, post, tempDist } from './chainTestKit.ts';
import { ChainOptionsError } from './options.ts';

// One real Hardhat node for the file; the server proxies to it as a test's own chain.
let node: HardhatNode;
let server: RunningServer;
let chainUrl: string;
const dist = tempDist();
const registry = `0x${'ab'.repeat(20)}` as const;

beforeAll(async () => {
  node = await startHardhatNode();
  server = await startServer({
    port: 0,
    distDir: dist.dir,
    chain: { rpcUrl: node.url, registry, faucet: true },
    chainService: { faucet: { burstPerIp: 3 } },
  });
  await server.chain;
  chainUrl = new URL('/chain', server.url).href;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await node?.stop();
  dist.remove();
});

describe('POST /chain: the JSON-RPC proxy', () => {
  it('answers eth_chainId through the app origin, with the caller id, and security headers', async () => {
    const response = await fetch(chainUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(call('eth_chainId', [], 'x1')) });
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 'x1', result: '0x7a69' });
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('a batch keeps order and ids (even repeated ones), answers no notification, refuses per call', async () => {
    const { status, json } = await post(chainUrl, [
      call('eth_blockNumber', [], 5),
      { jsonrpc: '2.0', method: 'eth_chainId' },
      call('eth_sendTransaction', [{}], 5),
      call('net_version', [], 'v'),
    ]);
    expect(status).toBe(200);
    expect(json).toHaveLength(3);
    expect(json[0]).toMatchObject({ id: 5, result: expect.stringMatching(/^0x/) });
    expect(json[1]).toMatchObject({ id: 5, error: { code: -32601, message: expect.stringContaining('eth_sendRawTransaction') } });
    expect(json[2]).toEqual({ jsonrpc: '2.0', id: 'v', result: '31337' });
  });

  for (const method of ['eth_sendTransaction', 'eth_sign', 'personal_sign', 'eth_signTypedData_v4', 'eth_accounts', 'hardhat_setBalance', 'evm_mine', 'evm_setNextBlockTimestamp', 'debug_traceTransaction', 'eth_newFilter']) {
    it(`refuses ${method} without forwarding it`, async () => {
      const before = await post(chainUrl, call('eth_blockNumber'));
      const { status, json } = await post(chainUrl, call(method, [], 9));
      expect(status).toBe(200);
      expect(json).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: -32601, message: expect.stringContaining(method) } });
      // evm_mine never reached the node: no new block.
      expect((await post(chainUrl, call('eth_blockNumber'))).json.result).toBe(before.json.result);
    });
  }

  it('carries what a wallet-signed transaction needs (viem, a fresh key funded by the faucet)', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    expect((await post(new URL('/chain/faucet', server.url).href, { address: account.address })).status).toBe(200);
    const client = createWalletClient({ account, chain: hardhat, transport: http(chainUrl) }).extend(publicActions);
    const hash = await client.sendTransaction({ to: `0x${'22'.repeat(20)}`, value: parseEther('1') });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).toBe('success');
    expect(await client.getBalance({ address: `0x${'22'.repeat(20)}` })).toBe(parseEther('1'));
  });

  it('refuses a body over 256 KiB with 413 and a JSON-RPC error', async () => {
    const { status, json } = await post(chainUrl, call('eth_call', [{ data: `0x${'00'.repeat(140 * 1024)}` }, 'latest']));
    expect(status).toBe(413);
    expect(json).toMatchObject({ id: null, error: { code: -32005, message: expect.stringContaining('262144 bytes') } });
  });

  it('refuses a batch over 20 calls, and an empty one', async () => {
    const big = await post(chainUrl, Array.from({ length: 21 }, (_, i) => call('eth_chainId', [], i)));
    expect(big.status).toBe(400);
    expect(big.json).toMatchObject({ id: null, error: { code: -32005, message: 'batch of 21 calls is over the limit of 20' } });
    const empty = await post(chainUrl, []);
    expect(empty.json).toMatchObject({ error: { code: -32600 } });
    const twenty = await post(chainUrl, Array.from({ length: 20 }, (_, i) => call('eth_chainId', [], i)));
    expect(twenty.json).toHaveLength(20);
  });

  it('limits the calls per client (a batch counts each call): 429 and -32005, then recovers', async () => {
    const d = tempDist();
    const limited = await startServer({
      port: 0,
      distDir: d.dir,
      chain: { rpcUrl: node.url, registry: null, chainId: 31337 },
      chainService: { proxy: { callBurst: 3, callsPerSecond: 20 } },
    });
    try {
      const url = new URL('/chain', limited.url).href;
      expect((await post(url, [call('eth_chainId', [], 1), call('eth_chainId', [], 2), call('eth_chainId', [], 3)])).status).toBe(200);
      const over = await post(url, call('eth_chainId'));
      expect(over.status).toBe(429);
      expect(over.json).toMatchObject({ error: { code: -32005, message: expect.stringContaining('rate limit') } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await post(url, call('eth_chainId'))).json.result).toBe('0x7a69');
    } finally {
      await limited.close();
      d.remove();
    }
  });

  it('answers malformed input with the JSON-RPC error for it', async () => {
    expect((await post(chainUrl, '{"jsonrpc":')).json).toMatchObject({ error: { code: -32700 } });
    expect((await post(chainUrl, { jsonrpc: '1.0', id: 1, method: 'eth_chainId' })).json).toMatchObject({ id: 1, error: { code: -32600 } });
    expect((await post(chainUrl, { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: 'x' })).json).toMatchObject({ error: { code: -32600 } });
    expect((await post(chainUrl, [1])).json).toMatchObject([{ id: null, error: { code: -32600 } }]);
  });

  it('takes POST with Content-Type application/json only (a cross-site form post cannot reach it)', async () => {
    const get = await fetch(chainUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const text = await fetch(chainUrl, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(call('eth_chainId')) });
    expect(text.status).toBe(415);
  });

  it('answers -32002 with HTTP 502 when the chain RPC is down, naming its origin only', async () => {
    const dead = tempDist();
    const other = await startServer({ port: 0, distDir: dead.dir, chain: { rpcUrl: 'http://127.0.0.1:9/v1/SECRET', registry: null, chainId: 31337 } });
    try {
      const { status, json } = await post(new URL('/chain', other.url).href, [call('eth_chainId', [], 1), call('eth_accounts', [], 2)]);
      expect(status).toBe(502);
      expect(json[0]).toMatchObject({ id: 1, error: { code: -32002, message: expect.stringContaining('http://127.0.0.1:9 is unreachable') } });
      expect(json[0].error.message).not.toContain('SECRET');
      expect(json[1]).toMatchObject({ id: 2, error: { code: -32601 } });
    } finally {
      await other.close();
      dead.remove();
    }
  });
});

describe('POST /chain: odd but legal input, and odd upstreams', () => {
  it('answers a lone notification with 204 and no body', async () => {
    const response = await fetch(chainUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'eth_chainId' }) });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers -32002 when the upstream answers with something that is not JSON-RPC', async () => {
    const html = createServer((_req, res) => res.writeHead(500, { 'Content-Type': 'text/html' }).end('<h1>oops</h1>'));
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    const d = tempDist();
    const other = await startServer({ port: 0, distDir: d.dir, chain: { rpcUrl: `http://127.0.0.1:${(html.address() as AddressInfo).port}`, registry: null, chainId: 1 } });
    try {
      const { status, json } = await post(new URL('/chain', other.url).href, call('eth_chainId'));
      expect(status).toBe(502);
      expect(json).toMatchObject({ error: { code: -32002, message: expect.stringContaining('HTTP 500 with something that is not JSON') } });
    } finally {
      await other.close();
      html.close();
      d.remove();
    }
  });

  it('survives a client that drops its request mid-body', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /chain HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc"');
        setTimeout(() => socket.destroy(), 50);
        socket.on('close', () => resolve());
      });
    });
    expect((await post(chainUrl, call('eth_chainId'))).json.result).toBe('0x7a69');
  });
});

describe('GET /chain/config', () => {
  it('tells the app the chain to preset', async () => {
    const response = await fetch(new URL('/chain/config', server.url));
    expect(response.status).toBe(200);
    // The chain id was read from the node (the option left it out).
    expect(await response.json()).toEqual({ kind: 'local', chainId: 31337, registry, rpcPath: '/chain', faucet: true, relay: true });
  });

  it('says none when the server runs no chain (the default of startServer), and /chain says so too', async () => {
    const d = tempDist();
    const plain = await startServer({ port: 0, distDir: d.dir });
    try {
      expect(await (await fetch(new URL('/chain/config', plain.url))).json()).toEqual({ kind: 'none' });
      const { status, json } = await post(new URL('/chain', plain.url).href, call('eth_chainId'));
      expect(status).toBe(503);
      expect(json).toMatchObject({ error: { code: -32002 } });
      expect((await post(new URL('/chain/faucet', plain.url).href, { address: registry })).status).toBe(404);
      // Only /chain and below belong to the chain; the app's routes are untouched.
      expect((await fetch(new URL('/chainlink', plain.url))).headers.get('content-type')).toContain('text/html');
    } finally {
      await plain.close();
      d.remove();
    }
  });

  it('says remote, with no faucet, for a network off this machine', async () => {
    const d = tempDist();
    const remote = await startServer({ port: 0, distDir: d.dir, chain: { rpcUrl: 'https://rpc.example.org/v1/KEY', registry, chainId: 11155111 } });
    try {
      expect(await (await fetch(new URL('/chain/config', remote.url))).json()).toEqual({ kind: 'remote', chainId: 11155111, registry, rpcPath: '/chain', faucet: false, relay: false });
      const faucet = await post(new URL('/chain/faucet', remote.url).href, { address: registry });
      expect(faucet.status).toBe(404);
      expect(faucet.json.error).toContain('local chain only');
    } finally {
      await remote.close();
      d.remove();
    }
  });

  it('never runs a faucet against a remote RPC', async () => {
    await expect(startServer({ port: 0, distDir: dist.dir, chain: { rpcUrl: 'https://rpc.example.org', registry, chainId: 1, faucet: true } })).rejects.toThrow(ChainOptionsError);
  });

  it('says none, with the reason, when a remote RPC does not tell its chain id', async () => {
    const d = tempDist();
    const broken = await startServer({ port: 0, distDir: d.dir, chain: { rpcUrl: 'http://127.0.0.1:9', registry } });
    try {
      const status = await broken.chain;
      expect(status.config).toEqual({ kind: 'none' });
      expect(status.problem).toContain('could not read the chain id from http://127.0.0.1:9');
      expect((await fetch(broken.url)).status).toBe(200); // the app is served all the same
    } finally {
      await broken.close();
      d.remove();
    }
  });
});

describe('POST /chain/faucet (local chain only)', () => {
  const faucetUrl = () => new URL('/chain/faucet', server.url).href;

  it('funds an address with 10 ETH from an unlocked node account', async () => {
    const address = `0x${'3c'.repeat(20)}`;
    const { status, json } = await post(faucetUrl(), { address });
    expect(status).toBe(200);
    expect(json).toMatchObject({ address, amountWei: '10000000000000000000', txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(BigInt((await post(chainUrl, call('eth_getBalance', [address, 'latest']))).json.result)).toBe(10n * 10n ** 18n);
  });

  it('refuses what is not an address, a long body, another site, and a wrong method', async () => {
    expect((await post(faucetUrl(), { address: '0x1234' })).status).toBe(400);
    expect((await post(faucetUrl(), { address: `0x${'aa'.repeat(20)}`, pad: 'x'.repeat(2000) })).status).toBe(413);
    const foreign = await post(faucetUrl(), { address: `0x${'aa'.repeat(20)}` }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await fetch(faucetUrl())).status).toBe(405);
  });

  it('limits each client: a burst, then 429 with Retry-After', async () => {
    const d = tempDist();
    const limited = await startServer({
      port: 0,
      distDir: d.dir,
      chain: { rpcUrl: node.url, registry: null, chainId: 31337, faucet: true },
      chainService: { faucet: { burstPerIp: 2, secondsPerRequest: 60 } },
    });
    try {
      const url = new URL('/chain/faucet', limited.url).href;
      const address = `0x${'4d'.repeat(20)}`;
      expect((await post(url, { address })).status).toBe(200);
      expect((await post(url, { address })).status).toBe(200);
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ address }) });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('60');
    } finally {
      await limited.close();
      d.remove();
    }
  });
});
