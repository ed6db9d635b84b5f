// Nodes in one process for tests: memory store, memory mesh, inline WASM runtime.
import { generateDeviceKey, importRootSeed, signerFor } from '../adapters/webcrypto/keys.ts';
import { memoryStore, type Store } from '../core/store/index.ts';
import { createInlineRuntime } from '../runtime/index.ts';
import type { memoryMeshHub } from './contexts/memoryMesh.ts';
import { createNode, type TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';
import type { AnchorWatchTimings } from './anchors/watch.ts';
import type { MetricsJournal, MetricsTimings } from './metrics/metricsService.ts';
import type { ChainPreset } from './settings.ts';
import type { Scheduler } from '../core/mesh/Scheduler.ts';

/** A node named `name` on `hub` with no identity yet (log it in as the test needs). */
export function bareTestNode(
  hub: ReturnType<typeof memoryMeshHub>,
  name: string,
  options: {
    store?: Store;
    origin?: string;
    now?: () => number;
    anchorTimings?: AnchorWatchTimings;
    metricsTimings?: Partial<MetricsTimings>;
    metricsJournal?: MetricsJournal;
    chainPreset?: () => Promise<ChainPreset | undefined>;
    /** When key-rotation checks run (a virtual clock in tests); default real time. */
    rotationScheduler?: Scheduler;
  } = {},
): Promise<TabnodeNode> {
  return createNode({
    store: options.store ?? memoryStore(),
    origin: options.origin ?? 'http://127.0.0.1:8080',
    mesh: hub.port(name),
    scheduler: realTimeScheduler,
    runtime: () => createInlineRuntime(),
    ...(options.anchorTimings ? { anchorTimings: options.anchorTimings } : {}),
    ...(options.metricsTimings ? { metricsTimings: options.metricsTimings } : {}),
    ...(options.metricsJournal ? { metricsJournal: options.metricsJournal } : {}),
    ...(options.chainPreset ? { chainPreset: options.chainPreset } : {}),
    ...(options.rotationScheduler ? { rotationScheduler: options.rotationScheduler } : {}),
    platform: { now: options.now ?? (() => Date.now()), randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), generateDeviceKey, importRootSeed, signerFor },
  });
}

/** A signed-in node named `name` on `hub`, with a fresh local root. */
export async function testNode(
  hub: ReturnType<typeof memoryMeshHub>,
  name: string,
  store: Store = memoryStore(),
  options: { now?: () => number; rotationScheduler?: Scheduler } = {},
): Promise<TabnodeNode> {
  const node = await bareTestNode(hub, name, { store, ...options });
  await node.identity.useLocalRoot(node.identity.newPhrase(), name);
  return node;
}

/** Poll until `fn` gives something truthy, every `everyMs` (benchmarks poll finer). */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Alice (owner) and Bob (a writer) in one fresh context "Team" on `hub`; Bob's store can be given to look into. */
export async function twoMemberContext(hub: ReturnType<typeof memoryMeshHub>, storeB: Store = memoryStore()): Promise<{ a: TabnodeNode; b: TabnodeNode; id: string }> {
  const a = await testNode(hub, 'Alice laptop');
  const b = await testNode(hub, 'Bob laptop', storeB);
  const id = await a.contexts.create('Team');
  await b.contexts.join(await a.contexts.open(id).invite({ role: 'writer' }));
  await until('Bob settled', async () => (await b.contexts.open(id).view()).myRole === 'writer');
  await until('Alice sees Bob', async () => (await a.contexts.open(id).view()).members.length === 2);
  return { a, b, id };
}
