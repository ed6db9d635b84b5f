import { afterAll } from 'vitest';
import { anchorChainContract } from './anchorChainContract.ts';
import { eip1193AnchorWriter } from './eip1193AnchorWriter.ts';
import { relayedAnchorWriter } from './relayedAnchorWriter.ts';
import { startRegistryNode, type RegistryNode } from './testkit.ts';
import { typedDataJson } from './typedData.ts';
import { viemAnchorChain } from './viemAnchorChain.ts';

// One Hardhat node for the file, started by the first suite that needs it.
let started: Promise<RegistryNode> | undefined;
const node = () => (started ??= startRegistryNode());
afterAll(async () => {
  await (await started)?.stop();
}, 15_000);

anchorChainContract('viem adapter, own transactions (eth_sendTransaction), real Hardhat node', async () => {
  const n = await node();
  const chain = { rpcUrl: n.url, chainId: n.chainId, registry: n.registry };
  return { chain: viemAnchorChain(chain), writer: (i) => eip1193AnchorWriter({ request: n.request, from: n.accounts[i]!, chain }) };
});

anchorChainContract('viem adapter, logs read one block per request', async () => {
  const n = await node();
  const chain = { rpcUrl: n.url, chainId: n.chainId, registry: n.registry };
  return { chain: viemAnchorChain({ ...chain, logRangeBlocks: 1n }), writer: (i) => eip1193AnchorWriter({ request: n.request, from: n.accounts[i]!, chain }) };
});

anchorChainContract('viem adapter, relayed (eth_signTypedData_v4, BySig), real Hardhat node', async () => {
  const n = await node();
  const chain = { rpcUrl: n.url, chainId: n.chainId, registry: n.registry };
  const relayer = { request: n.request, from: n.accounts[19]! };
  return {
    chain: viemAnchorChain(chain),
    writer: (i) => {
      const signer = n.accounts[10 + i]!; // other accounts than the first suite's, to keep their nonces apart
      return relayedAnchorWriter({
        signer,
        relayer,
        chain,
        signTypedData: async (td) => (await n.request({ method: 'eth_signTypedData_v4', params: [signer, typedDataJson(td)] })) as `0x${string}`,
      });
    },
  };
});
