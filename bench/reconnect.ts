// Reconnection times for `npm run bench` (and alone: `node --import tsx bench/reconnect.ts`):
// two Chromium peers on the mesh fixture page (the app's browserMesh), through the app's
// signaling server on loopback, reconnect over and over after
//   glare     both leave the room and join again at the same moment (both offer at once),
//   reload    one page reloads and joins again (a new peer id; the other sees its old link go),
//   restart   the signaling server goes down, one peer rejoins meanwhile (so it can only be
//             found once the server is back), the server comes back after 0.5–2.5 s;
// each timed from the (last) join, or the server being back, until both pages have a new
// WebRTC Link. Beside it, plain y-webrtc's WebrtcProvider in the same rounds (connected =
// simple-peer's 'connect'). Timings are reported, never asserted.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../server/main.ts';
import { buildMeshFixture } from '../e2e/fixtures/mesh/build.ts';
import { call, until } from '../e2e/fixtures/mesh/drive.ts';
import { launchPeers, unexpectedErrors } from '../e2e/harness.ts';
import { percentile } from './p2p.ts';
import type { Timed } from './table.ts';

export const RECONNECT = {
  /** BENCH_RECONNECT_ROUNDS=n: rounds per scenario and implementation (30 keeps `npm run bench` short; 100 for a real p99). */
  rounds: Number(process.env.BENCH_RECONNECT_ROUNDS ?? 30),
  /** A round that takes longer counts as this long (y-webrtc can stall for good). */
  giveUpMs: 15_000,
  goalMs: 2000,
} as const;

type Impl = 'tabnode' | 'y-webrtc';
type Scenario = 'glare' | 'reload' | 'restart';

export interface ReconnectReport {
  rows: Timed[];
  notes: string[];
}

const stamp = (): number => performance.timeOrigin + performance.now();

/** Waits until `page` has recorded a connection after `since`; returns its time, or undefined on giving up. */
async function connectedAfter(page: Page, since: number, deadline: number): Promise<number | undefined> {
  for (;;) {
    const at = (await call(page, 'connectedAt')).find((t) => t >= since);
    if (at !== undefined) return at;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runScenario(impl: Impl, scenario: Scenario, server: { current: RunningServer; restart(): Promise<number> }, distUrl: string): Promise<{ samples: number[]; gaveUp: number; errors: string[] }> {
  const { peers, close } = await launchPeers(2, { app: { url: distUrl, signalingUrl: server.current.signalingUrl, close: async () => {} }, name: `${impl}-${scenario}` });
  const [a, b] = peers.map((p) => p.page) as [Page, Page];
  const samples: number[] = [];
  let gaveUp = 0;
  // y-webrtc cannot reopen a room name in a page right after leaving it: a new room each round.
  const room = (): string => `bench-${randomUUID()}`;
  const options = { roomName: room(), password: randomUUID(), signalingUrls: [server.current.signalingUrl], impl };
  try {
    for (const page of [a, b]) await call(page, 'open', options);
    for (const page of [a, b]) await until('the first link', async () => (await call(page, 'connectedAt')).length > 0, 30_000);
    for (let round = 0; round < RECONNECT.rounds; round++) {
      const name = room();
      let from: number;
      if (scenario === 'glare') {
        const joined = await Promise.all([call(a, 'restart', name), call(b, 'restart', name)]);
        from = Math.max(...joined);
      } else if (scenario === 'reload') {
        await call(a, 'restart', name);
        await b.reload();
        await b.waitForFunction(() => 'meshFixture' in globalThis);
        from = stamp();
        await call(b, 'open', { ...options, roomName: name });
      } else {
        await server.current.close();
        await call(b, 'restart', name);
        await call(a, 'restart', name);
        await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2000));
        from = await server.restart();
      }
      const deadline = Date.now() + RECONNECT.giveUpMs;
      const times = await Promise.all([connectedAfter(a, from, deadline), connectedAfter(b, from, deadline)]);
      if (times.some((t) => t === undefined)) {
        gaveUp++;
        samples.push(RECONNECT.giveUpMs);
      } else {
        samples.push(Math.max(...(times as number[])) - from);
      }
    }
    return { samples, gaveUp, errors: unexpectedErrors(peers) };
  } finally {
    await close();
  }
}

export async function reconnectFigures(): Promise<ReconnectReport> {
  const fixture = await buildMeshFixture();
  let current = await startServer({ port: 0, host: '127.0.0.1', distDir: fixture.dir });
  const port = current.port;
  const server = {
    get current() {
      return current;
    },
    async restart() {
      current = await startServer({ port, host: '127.0.0.1', distDir: fixture.dir });
      return stamp();
    },
  };
  const rows: Timed[] = [];
  const notes: string[] = [];
  const fmt = (s: number[]) => `p50 ${Math.round(percentile(s, 50))} ms, p99 ${Math.round(percentile(s, 99))} ms, max ${Math.round(Math.max(...s))} ms`;
  try {
    const all: Record<Impl, number[]> = { tabnode: [], 'y-webrtc': [] };
    for (const scenario of ['glare', 'reload', 'restart'] as const) {
      const result: Partial<Record<Impl, Awaited<ReturnType<typeof runScenario>>>> = {};
      for (const impl of ['tabnode', 'y-webrtc'] as const) {
        try {
          result[impl] = await runScenario(impl, scenario, server, current.url);
          all[impl].push(...result[impl].samples);
        } catch (e) {
          notes.push(`${impl}, ${scenario}: not measured: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        }
      }
      const ours = result.tabnode;
      const theirs = result['y-webrtc'];
      for (const p of [50, 99]) {
        rows.push({
          measure: `reconnect after ${scenario}, p${p} of ${RECONNECT.rounds}`,
          ms: ours ? percentile(ours.samples, p) : 'not measured',
          baseline: `plain y-webrtc, p${p}`,
          baselineMs: theirs ? percentile(theirs.samples, p) : 'not measured',
          goal: p === 99 ? { ms: RECONNECT.goalMs } : {},
        });
      }
      for (const [impl, r] of Object.entries(result)) {
        notes.push(`${impl}, ${scenario}: ${fmt(r.samples)}${r.gaveUp ? `; ${r.gaveUp} round${r.gaveUp === 1 ? '' : 's'} did not reconnect within ${RECONNECT.giveUpMs / 1000} s (counted as ${RECONNECT.giveUpMs / 1000} s)` : ''}${r.errors.length ? `; page errors: ${r.errors.slice(0, 3).join(' | ')}` : ''}`);
      }
    }
    if (all.tabnode.length) {
      rows.push({
        measure: `reconnect, all ${all.tabnode.length} rounds, p99`,
        ms: percentile(all.tabnode, 99),
        baseline: 'plain y-webrtc, p99',
        baselineMs: all['y-webrtc'].length ? percentile(all['y-webrtc'], 99) : 'not measured',
        goal: { ms: RECONNECT.goalMs },
      });
    }
    notes.push(
      'Timed from the later join (glare), the reloaded page joining (reload), or the signaling server listening again (restart), until both pages have a new WebRTC connection: a Link whose READY exchange is done (Tabnode), simple-peer\'s connect (y-webrtc).',
    );
    return { rows, notes };
  } finally {
    await current.close();
    await fixture.remove();
  }
}

// Alone: print the table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTimings } = await import('./table.ts');
  const report = await reconnectFigures();
  console.log(`\nReconnection between two Chromium peers (goal: p99 ≤ ${RECONNECT.goalMs / 1000} s)\n`);
  console.log(renderTimings(report.rows));
  for (const note of report.notes) console.log(`- ${note}`);
}
