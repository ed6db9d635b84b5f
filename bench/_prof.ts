import { writeFileSync } from 'node:fs';
import { launchPeers, startApp } from '../e2e/harness.ts';
const app = await startApp({ distDir: process.env.DIST });
const { peers, close } = await launchPeers(1, { app, path: process.env.P ?? '/' });
const A = peers[0]!.page;
try {
  await A.waitForFunction(() => window.tabnode !== undefined);
  await A.evaluate(async () => { const n = window.tabnode!; await n.identity.useLocalRoot(n.identity.newPhrase(), 'A'); });
  const id = await A.evaluate(() => window.tabnode!.contexts.create('bench'));
  const cdp = await A.context().newCDPSession(A);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const ms = await A.evaluate(async (id) => {
    const n = window.tabnode!;
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) await n.contexts.write(id, { method: 'set', args: { key: `k${i % 1000}`, value: i } });
    return performance.now() - t0;
  }, id);
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync('/tmp/a.cpuprofile', JSON.stringify(profile));
  console.log('ms', ms);
} finally { await close(); await app.close(); }
