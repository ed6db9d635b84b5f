// Nodes in one process for tests: memory store, memory mesh, inline WASM runtime.
import { generateDeviceKey, importRootSeed, signerFor } from '../adapters/webcrypto/keys.ts';
import { memoryStore, type Store } from '../core/store/index.ts';
import { createInlineRuntime } from '../runtime/index.ts';
import type { memoryMeshHub } from './contexts/memoryMesh.ts';
import { createNode, type TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';

/** A signed-in node named `name` on `hub`. */
export async function testNode(hub: ReturnType<typeof memoryMeshHub>, name: string, store: Store = memoryStore()): Promise<TabnodeNode> {
  const node = await createNode({
    store,
    origin: 'http://127.0.0.1:8080',
    mesh: hub.port(name),
    scheduler: realTimeScheduler,
    runtime: () => createInlineRuntime(),
    platform: { now: () => Date.now(), randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), generateDeviceKey, importRootSeed, signerFor },
  });
  await node.identity.useLocalRoot(node.identity.newPhrase(), name);
  return node;
}

/** Poll until `fn` gives something truthy. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
