import { afterAll, describe, expect, it } from 'vitest';
import { serverOptionsFromEnvironment, startServer } from '../main.ts';
import type { RunningServer } from '../main.ts';
import { call, post, tempDist } from './chainTestKit.ts';
import { startLocalChain } from './localChain.ts';
import type { DeployRegistry } from './localChain.ts';
import { rpcCall } from './rpcClient.ts';

const dist = tempDist();
const running: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  dist.remove();
});

/*
 * A stand-in for the registry (its code is one STOP): this file tests that the embedded
 * chain deploys whatever deployRegistry deploys, not the registry itself.
 */
const STAND_IN_INIT_CODE = '0x6001600c60003960016000f300';
const deployStandIn: DeployRegistry = async ({ rpcUrl }) => {
  const [from] = await rpcCall<`0x${string}`[]>(rpcUrl, 'eth_accounts');
  const hash = await rpcCall<string>(rpcUrl, 'eth_sendTransaction', [{ from, data: STAND_IN_INIT_CODE }]);
  const receipt = await rpcCall<{ contractAddress: `0x${string}`; gasUsed: string }>(rpcUrl, 'eth_getTransactionReceipt', [hash]);
  return { address: receipt.contractAddress, chainId: 31337, gasUsed: BigInt(receipt.gasUsed) };
};

describe('npm start: the embedded local chain', () => {
  it("serves the app with a working local chain: eth_chainId through the app's origin answers 0x7a69", async () => {
    // Exactly what server/main.ts runs for `npm start` with an empty environment (port 0).
    const options = serverOptionsFromEnvironment({ PORT: '0' });
    expect(options.chain).toBe('local');
    const server = await startServer({ ...options, distDir: dist.dir });
    running.push(server);
    // The app is served before the chain is up.
    expect((await fetch(server.url)).status).toBe(200);
    const status = await server.chain;
    expect(status.config).toMatchObject({ kind: 'local', chainId: 31337, rpcPath: '/chain', faucet: true });

    const chain = new URL('/chain', server.url).href;
    expect((await post(chain, call('eth_chainId'))).json).toEqual({ jsonrpc: '2.0', id: 1, result: '0x7a69' });
    expect(await (await fetch(new URL('/chain/config', server.url))).json()).toEqual(status.config);
    // Until the registry contract lands its deploy throws; then the registry is real code.
    if (status.config.kind === 'local' && status.config.registry) {
      expect((await post(chain, call('eth_getCode', [status.config.registry, 'latest']))).json.result).not.toBe('0x');
    } else {
      expect(status.problem).toContain('registry was not deployed');
    }
  }, 60_000);

  it('deploys the registry once the node answers, and stops the node on stop()', async () => {
    const chain = await startLocalChain({ deploy: deployStandIn });
    try {
      expect(chain.chainId).toBe(31337);
      expect(chain.registryError).toBeUndefined();
      expect(await rpcCall(chain.rpcUrl, 'eth_getCode', [chain.registry, 'latest'])).toBe('0x00');
    } finally {
      await chain.stop();
    }
    await expect(rpcCall(chain.rpcUrl, 'eth_chainId')).rejects.toThrow('unreachable');
  }, 60_000);

  it('runs the chain without a registry when the deploy does not finish in time', async () => {
    const chain = await startLocalChain({ deploy: () => new Promise(() => {}), deployTimeoutMs: 50 });
    try {
      expect(chain.registry).toBeNull();
      expect(chain.registryError).toBe('the deploy took longer than 50 ms');
      expect(await rpcCall(chain.rpcUrl, 'eth_chainId')).toBe('0x7a69');
    } finally {
      await chain.stop();
    }
  }, 60_000);

  it('keeps serving the app, with /chain/config none, when Hardhat does not start', async () => {
    const server = await startServer({ port: 0, distDir: dist.dir, chain: 'local', chainService: { local: { startTimeoutMs: 1 } } });
    running.push(server);
    const status = await server.chain;
    expect(status.config).toEqual({ kind: 'none' });
    expect(status.problem).toMatch(/embedded local chain \(Hardhat\) did not start.*TABNODE_CHAIN=none/);
    expect((await fetch(server.url)).status).toBe(200);
    expect(await (await fetch(new URL('/chain/config', server.url))).json()).toEqual({ kind: 'none' });
  }, 60_000);
});
