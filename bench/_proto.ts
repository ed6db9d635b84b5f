import { launchPeers, startApp } from '../e2e/harness.ts';
const app = await startApp({ distDir: process.env.DIST });
const { peers, close } = await launchPeers(2, { app });
const [A, B] = peers.map((p) => p.page);
try {
  for (const [p, l] of [[A, 'A'], [B, 'B']] as const) {
    await p!.waitForFunction(() => window.tabnode !== undefined);
    await p!.evaluate(async (l) => { const n = window.tabnode!; await n.identity.useLocalRoot(n.identity.newPhrase(), l); }, l);
  }
  const N = Number(process.env.N ?? 10000);
  const G = Number(process.env.G ?? 1);
  const built = await A!.evaluate(async ([N, G]) => {
    const n = window.tabnode!;
    const id = await n.contexts.create('bench');
    const t0 = performance.now();
    let bad = 0;
    for (let i = 0; i < N; i += G) {
      const outs = await Promise.all(Array.from({ length: Math.min(G, N - i) }, (_, j) => n.contexts.write(id, { method: 'set', args: { key: `k${(i + j) % 1000}`, value: i + j } })));
      bad += outs.filter((o) => !o.valid).length;
    }
    const ms = performance.now() - t0;
    const v = await n.contexts.view(id);
    return { id, ms, bad, opCount: v.opCount, heads: v.heads.length };
  }, [N, G] as const);
  console.log('built', built);
  const link = await A!.evaluate((id) => window.tabnode!.contexts.invite(id, { role: 'writer' }), built.id);
  const r = await B!.evaluate(async ([link, target]) => {
    const n = window.tabnode!;
    const t0 = performance.now();
    const id = await n.contexts.join(link);
    const tJoined = performance.now() - t0;
    let views = 0;
    for (;;) {
      const v = await n.contexts.view(id); views++;
      if (v.opCount >= target && !v.joining) return { ms: performance.now() - t0, tJoined, views, opCount: v.opCount, bytes: v.peers.reduce((s, p) => s + p.received.bytes, 0) };
      await new Promise((r) => setTimeout(r, 20));
    }
  }, [link, built.opCount + 1] as const);
  console.log('catchup', r);
} finally { await close(); await app.close(); }
