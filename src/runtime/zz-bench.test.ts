import { test } from 'vitest';
import * as Y from 'yjs';
import { loadApp, runCall } from './host.ts';
import { withLimits } from './limits.ts';
import { readApp, readTestModule, json, CONTEXT_ID } from './testkit.ts';
test('bench', async () => {
  const limits = withLimits();
  const N = 2000;
  const time = (label: string, f: () => void) => { for (let i = 0; i < 200; i++) f(); const t = performance.now(); for (let i = 0; i < N; i++) f(); console.log(label, ((performance.now() - t) / N) * 1000); };
  const doc = new Y.Doc();
  doc.getMap('state').set('a', 1);
  const app = await loadApp(readApp('kv-store'), limits);
  const req = { method: 'get', input: json({ key: 'a' }), executor: 'x', contextId: CONTEXT_ID, clientID: 3 };
  time('kv get', () => runCall(app, doc, new Map(), req, limits));
  time('kv set', () => runCall(app, doc, new Map(), { ...req, method: 'set', input: json({ key: 'b', value: { x: [1, 2, 3] } }) }, limits));
  const tiny = await loadApp(readTestModule('tiny'), limits);
  time('tiny own-memory ping', () => runCall(tiny, doc, new Map(), { ...req, method: 'ping', input: json({}) }, limits));
}, 120000);
