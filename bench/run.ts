// `npm run bench`: every figure beside a baseline measured in the same run, as a ratio.
// Node figures run here; Chromium figures run in bench.html in a real browser.
import { launchPeers, startApp } from '../e2e/harness.ts';
import { ed25519Figures } from './ed25519.ts';
import type { Figure } from './measure.ts';
import { ed25519Comparisons, renderTable } from './table.ts';

async function browserFigures(): Promise<Figure[]> {
  const app = await startApp();
  const { peers, close } = await launchPeers(1, { app, path: '/bench.html', name: 'bench' });
  try {
    const page = peers[0]!.page;
    await page.waitForFunction(() => window.__benchResults !== undefined, null, { timeout: 180_000 });
    const results = await page.evaluate(() => window.__benchResults!);
    if ('error' in results) throw new Error(`browser benchmark failed: ${results.error}`);
    return results;
  } finally {
    await close();
    await app.close();
  }
}

const figures = [...(await ed25519Figures(`Node ${process.version}`)), ...(await browserFigures())];
console.log('\nEd25519 throughput, WebCrypto against noble (ratio > 1: WebCrypto is faster)\n');
console.log(renderTable(ed25519Comparisons(figures)));
console.log('');
