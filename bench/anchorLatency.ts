// For `npm run bench` (and alone: `node --import tsx bench/anchorLatency.ts`): how long after
// an anchor is confirmed a peer has compared it with its own history. Two nodes in this
// process over memory links, a real Hardhat chain with the registry, the node's own
// polling (ANCHOR_WATCH timings, not shortened). Baseline, in the same run: the same
// change (the write that precedes each anchor) reaching the peer over the mesh.
import { fileURLToPath } from 'node:url';
import { fundedTestWallet, startRegistryNode } from '../src/adapters/chain/registry/testkit.ts';
import type { Address } from '../src/core/anchor/AnchorChain.ts';
import { memoryMeshHub } from '../src/node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../src/node/scheduler.ts';
import { bareTestNode, until as untilTrue } from '../src/node/testing.ts';
import { median } from './measure.ts';
import { renderTimings, type Timed } from './table.ts';

export const ANCHOR_LATENCY = { rounds: 8 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls every 5 ms: the figures are about a second, so 25 ms steps would show. */
const until = <T>(fn: () => Promise<T | undefined | false>) => untilTrue('the peer', fn, 60_000, 5);

export async function anchorLatencyFigures(): Promise<{ rows: Timed[]; notes: string[] }> {
  const chain = await startRegistryNode();
  const hub = memoryMeshHub(realTimeScheduler);
  const nodes = [await bareTestNode(hub, 'A'), await bareTestNode(hub, 'B')];
  try {
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const wallet = await fundedTestWallet(chain);
    await a.identity.loginWithWallet(wallet, 'A');
    await b.identity.useLocalRoot(b.identity.newPhrase(), 'B');
    for (const n of nodes) {
      const s = await n.settings.get();
      await n.settings.update({ ...s, chain: { rpcUrl: chain.url, chainId: chain.chainId, registry: chain.registry, confirmations: 0 } });
    }
    const id = await a.contexts.create('Bench', { anchor: { chainId: chain.chainId, registry: chain.registry, owner: wallet.address.toLowerCase() as Address } });
    await a.anchors.register(id, wallet);
    await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
    await until(async () => !(await b.contexts.open(id).view()).joining && (await a.contexts.open(id).view()).members.length === 2);

    const compared: number[] = [];
    const synced: number[] = [];
    for (let i = 0; i < ANCHOR_LATENCY.rounds; i++) {
      // A governance change (what the policy anchors), then its anchor.
      const role = i % 2 === 0 ? 'reader' : 'writer';
      const bRoot = (await b.identity.status()).root!.id;
      const op = await a.contexts.open(id).setRole(bRoot, role);
      if (!op.valid) throw new Error(`role change refused: ${op.message}`);
      const sentAt = performance.now();
      await until(async () => (await b.contexts.open(id).view()).members.find((m) => m.root === bRoot)?.role === role);
      synced.push(performance.now() - sentAt);
      const tx = await a.anchors.anchor(id, wallet);
      if (tx.state !== 'confirmed') throw new Error(`anchor ${i} ${tx.state}: ${tx.error}`);
      const confirmedAt = performance.now();
      await until(async () => {
        const v = (await b.contexts.open(id).view()).anchors;
        return v?.latest?.txHash === tx.txHash && v?.status === 'in-sync';
      });
      compared.push(performance.now() - confirmedAt);
      // Let B's polling back off, as it would between real changes.
      await sleep(3000);
    }
    return {
      rows: [
        {
          measure: `anchor confirmed → peer compared (median of ${ANCHOR_LATENCY.rounds})`,
          ms: median(compared),
          baseline: 'the change reaching the peer over the mesh',
          baselineMs: median(synced),
          goal: {},
        },
        { measure: 'anchor confirmed → peer compared (worst)', ms: Math.max(...compared), baseline: 'mesh (worst)', baselineMs: Math.max(...synced), goal: {} },
      ],
      notes: [
        'the peer polls its RPC: every 1 s for 10 polls after a governance change arrives (an anchor is likely), and while anchors change; otherwise the interval doubles up to 30 s. So the delay is about one poll interval; Hardhat mines on each transaction, confirmations 0',
      ],
    };
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
    await chain.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await anchorLatencyFigures();
  console.log(renderTimings(report.rows));
  for (const note of report.notes) console.log(`- ${note}`);
}
