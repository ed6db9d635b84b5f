import { describe, expect, it } from 'vitest';
import { memoryAnchorChain } from '../../adapters/chain/registry/memoryAnchorChain.ts';
import type { AnchorChain, Address, Hash32 } from '../../core/anchor/AnchorChain.ts';
import { simScheduler } from '../../core/mesh/simScheduler.ts';
import { ANCHOR_WATCH, watchAnchors, } from './watch.ts';
import type { AnchorLocalView as LocalGovernanceView } from '../../core/anchor/compare.ts';

const owner = `0x${'11'.repeat(20)}` as Address;
const context = `0x${'22'.repeat(32)}` as Hash32;
const word = (b: number) => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as Hash32;

/** A node's history that holds op `head` (hex without 0x) with member root `root`. */
function history(head: string, root: Hash32): LocalGovernanceView & { holds: Set<string> } {
  const holds = new Set([head]);
  return {
    holds,
    has: (k) => holds.has(k),
    isValid: (k) => holds.has(k),
    memberRootAt: (k) => (holds.has(k) ? root : undefined),
    latestGovernanceKey: () => head,
    governanceOutside: () => 0,
  };
}

/** Let the watcher's promise chains (chain calls) settle between virtual-clock steps. */
async function run(s: ReturnType<typeof simScheduler>, ms: number) {
  for (let t = 0; t < ms; t += 100) {
    s.advance(100);
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}

async function setup(options: { confirmations?: number; local?: LocalGovernanceView; wrap?: (chain: AnchorChain) => AnchorChain } = {}) {
  const mem = memoryAnchorChain();
  const chain = options.wrap ? options.wrap(mem) : mem;
  const w = mem.writer(owner);
  const send = async (m: Parameters<typeof w.submit>[2]) => w.wait(await w.submit(context, owner, m));
  const s = simScheduler(1_000_000);
  const alerts: string[] = [];
  const revoked: string[] = [];
  const watch = watchAnchors({
    context,
    binding: { chainId: mem.chainId, registry: mem.registry, owner },
    chain,
    confirmations: options.confirmations ?? 0,
    local: options.local ?? history('aa'.repeat(32), word(3)),
    scheduler: s,
    onRevoked: async (e) => void revoked.push(e.clientKey),
    onAppHash: () => {},
    alert: (_kind, message) => alerts.push(message),
    onChange: () => {},
  });
  return { mem, send, s, alerts, revoked, watch };
}

describe('anchor watch', () => {
  it('takes only events `confirmations` blocks deep', async () => {
    const { send, s, watch } = await setup({ confirmations: 2 });
    await send({ kind: 'register', appHash: word(1), admins: [] });
    await run(s, 3000);
    expect(watch.registered).toBe(false); // at the head: not deep enough yet
    await send({ kind: 'set-app', expectedSeq: 1n, appHash: word(5) });
    await send({ kind: 'set-app', expectedSeq: 2n, appHash: word(6) });
    await run(s, 5000);
    expect(watch.registered).toBe(true);
    expect(watch.appHash).toBe(word(1)); // both changes are still too shallow
    await send({ kind: 'set-app', expectedSeq: 3n, appHash: word(7) });
    await run(s, 5000);
    expect(watch.appHash).toBe(word(5));
  });

  it('is in sync with a matching anchor; alerts withheld history once, after the bound, naming block and tx', async () => {
    const local = history('aa'.repeat(32), word(3));
    const { send, s, watch, alerts } = await setup({ local });
    await send({ kind: 'register', appHash: word(1), admins: [] });
    await send({ kind: 'anchor', expectedSeq: 1n, record: { govHead: word(0xaa), memberRoot: word(3), stateRoot: word(4), epoch: 0n } });
    await run(s, 3000);
    expect(watch.status).toBe('in-sync');
    const tx = await send({ kind: 'anchor', expectedSeq: 2n, record: { govHead: word(0xbb), memberRoot: word(3), stateRoot: word(4), epoch: 0n } });
    await run(s, 3000);
    expect(watch.status).toBe('awaiting-history');
    await run(s, ANCHOR_WATCH.withheldAfterMs + ANCHOR_WATCH.maxPollMs * 2);
    expect(watch.status).toBe('withheld');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(tx.txHash);
    expect(alerts[0]).toContain(`block ${tx.blockNumber}`);
    local.holds.add('bb'.repeat(32)); // the history arrives
    expect(watch.status).toBe('in-sync');
  });

  it('backs off while nothing changes, and reads at most maxBlockRange blocks per poll', async () => {
    let polls = 0;
    let widest = 0n;
    const { send, s } = await setup({
      wrap: (mem) => ({
        chainId: mem.chainId,
        registry: mem.registry,
        view: (c, o) => mem.view(c, o),
        isAdmin: (c, o, w) => mem.isAdmin(c, o, w),
        isRevoked: (c, o, k) => mem.isRevoked(c, o, k),
        eventAt: (c, o, t, i) => mem.eventAt(c, o, t, i),
        // A long chain: most of its blocks hold nothing of this context.
        blockNumber: async () => {
          polls++;
          return (await mem.blockNumber()) + 20_000n;
        },
        events: async (c, o, from, to) => {
          if (to - from + 1n > widest) widest = to - from + 1n;
          return mem.events(c, o, from, to);
        },
      }),
    });
    await send({ kind: 'register', appHash: word(1), admins: [] });
    await run(s, 10 * 60_000);
    expect(widest).toBeLessThanOrEqual(ANCHOR_WATCH.maxBlockRange);
    // Ten minutes: a few catch-up polls, then at most one every 30 s.
    expect(polls).toBeLessThan(40);
  });

  it('reports each chain revocation to the node', async () => {
    const { send, s, revoked } = await setup();
    await send({ kind: 'register', appHash: word(1), admins: [] });
    await send({ kind: 'revoke-key', clientKey: word(9) });
    await run(s, 3000);
    expect(revoked).toEqual([word(9)]);
  });
});
