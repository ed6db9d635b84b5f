import { dexieStore } from '../adapters/dexie/dexieStore.ts';
import { generateDeviceKey, importRootSeed, signerFor } from '../adapters/webcrypto/keys.ts';
import { createWorkerRuntime } from '../runtime/index.ts';
import { browserMesh } from './browserMesh.ts';
import { realTimeScheduler } from './scheduler.ts';
import { createNode, type TabnodeNode } from './createNode.ts';
import { servedConnectPolicy } from './servedPolicy.ts';
import { fetchChainPreset } from './anchors/chainPreset.ts';
import { sessionMetricsJournal } from '../adapters/webstorage/metricsJournal.ts';
import { createWorkerVerifyPool, type VerifyPool } from '../adapters/verifyPool/workerPool.ts';

/** One verification pool per page: every node and context of the page shares its workers. */
let verifyPool: VerifyPool | undefined;

/** A node wired to this browser: IndexedDB, WebCrypto, the wall clock. */
export function openBrowserNode(dbName?: string): Promise<TabnodeNode> {
  return dexieStore(dbName).then((store) =>
    createNode({
      store,
      origin: location.origin,
      mesh: browserMesh,
      scheduler: realTimeScheduler,
      runtime: () => createWorkerRuntime(),
      connectPolicy: () => servedConnectPolicy(location.origin),
      chainPreset: () => fetchChainPreset(location.origin),
      metricsJournal: sessionMetricsJournal(),
      signatures: (verifyPool ??= createWorkerVerifyPool()),
      platform: {
        now: () => Date.now(),
        randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
        generateDeviceKey,
        importRootSeed,
        signerFor,
      },
    }).then(saveMetricsWhenHidden),
  );
}

/** A reload keeps the dashboard's latest samples: they are journaled (and saved) as the page goes. */
function saveMetricsWhenHidden(node: TabnodeNode): TabnodeNode {
  const save = () => void node.metrics.flush().catch(() => undefined);
  addEventListener('pagehide', save);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && save());
  return node;
}
