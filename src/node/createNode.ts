import type { Scheduler } from '../core/mesh/Scheduler.ts';
import { beyondHistory, type CertificateStore, type KeyStore, type Store } from '../core/store/index.ts';
import { openVault } from '../adapters/webcrypto/vault.ts';
import { toBase58 } from '../core/codec/index.ts';
import { toHex, type BatchVerifier } from '../core/crypto/index.ts';
import { KV_APP_ID, kvApp } from './apps/kvApp.ts';
import { wasmApp } from './apps/wasmApp.ts';
import type { AppRuntime } from '../runtime/index.ts';
import { appRegistry, type AppRegistry } from './apps/registry.ts';
import { contextService, type ContextService } from './contexts/service/index.ts';
import type { MeshPort } from './contexts/meshPort.ts';
import { settingsAccountVerifier } from './accountChecks.ts';
import { alertsService, type AlertsApi } from './alerts/alertsService.ts';
import { closableScheduler } from './closableScheduler.ts';
import { devicesService, type DevicesService } from './devices.ts';
import { keyRotationService, type KeyRotationService } from './keyRotation.ts';
import { directoryService, type DirectoryService } from './directory.ts';
import { identityService, type IdentityService, type Platform } from './identityService.ts';
import { allowsConnection, UNRESTRICTED, type ConnectPolicy } from './connectPolicy.ts';
import { meshWithin } from './contexts/meshPort.ts';
import type { WalletAccount } from '../wallets/connector.ts';
import { anchorsApi, storedPolicy, type AnchorsApi, type HowToSend, type WriterFor } from './anchors/anchorsApi.ts';
import { chainAccess } from './anchors/chainAccess.ts';
import { evidenceSource } from './anchors/evidenceSource.ts';
import { FaucetError, fundFromFaucet, RelayError, relayThroughSite } from './anchors/devServices.ts';
import type { AnchorWatchTimings } from './anchors/watch.ts';
import { walletAnchorWriter } from './anchors/walletWriter.ts';
import { metricsService, type MetricsApi, type MetricsJournal, type MetricsTimings } from './metrics/metricsService.ts';
import { defaultSettings, outsideConnectPolicy, settingsToStored, validateSettings, withDefaults, type ChainPreset, type NodeSettings, type PolicyBlock } from './settings.ts';
import { forgetDeviceBoxKey } from './boxKey.ts';

/**
 * The one facade the UI and end-to-end tests use. Later issues add contexts, calls,
 * events and status here; nothing above this layer touches storage or keys directly.
 */
export interface TabnodeNode {
  identity: IdentityService;
  /**
   * The devices this identity's root has delegated: list, revoke, renew, rotate; which
   * expire soon or are stale (`hygiene`), and rotation on a cadence (`rotation`).
   */
  devices: DevicesService & { hygiene: KeyRotationService['hygiene']; rotation: Omit<KeyRotationService, 'start' | 'stop' | 'hygiene'> };
  contexts: ContextService;
  /** Finds the contexts this root is a member of, so a new device of it gets them back. */
  directory: DirectoryService;
  apps: AppRegistry;
  /** The node's alerts (every context's, and this device's delegation): list, acknowledge. */
  alerts: AlertsApi;
  /** Chain anchoring: register, anchor, revoke on chain, policies (reading runs by itself). */
  anchors: AnchorsApi;
  /** The chain the serving site offers (`/chain/config`), and its dev faucet (local chains only). */
  chain: {
    preset(): ChainPreset | undefined;
    /** Fund a wallet from the local dev chain's faucet; the funding tx hash. */
    fund(address: string): Promise<string>;
  };
  settings: {
    get(): Promise<NodeSettings>;
    update(next: NodeSettings): Promise<NodeSettings>;
    reset(): Promise<NodeSettings>;
    /** The URLs in `candidate` (as entered) the served Content-Security-Policy will not let this page reach. */
    outsidePolicy(candidate: NodeSettings): Promise<PolicyBlock[]>;
  };
  /** Every context's health now and over the last hour, for the dashboard (src/node/metrics). */
  metrics: MetricsApi;
  /** Called after any change to what the node stores, from this tab or another. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface NodeDeps {
  store: Store;
  platform: Platform;
  /** The page's origin, for the default signaling URL and invite links. */
  origin: string;
  mesh: MeshPort;
  scheduler: Scheduler;
  /** A fresh runtime for one WASM app (a Web Worker in browsers, inline in Node tests). */
  runtime: () => AppRuntime;
  /** The served connect policy (read once, on first use); none: unrestricted. */
  connectPolicy?: () => Promise<ConnectPolicy>;
  /** The chain the serving site offers (`/chain/config`), to preset Settings; none: no chain by default. */
  chainPreset?: () => Promise<ChainPreset | undefined>;
  /** How a wallet writes to a registry (default: it sends the transactions itself). */
  writerFor?: WriterFor;
  /** Shorter chain polling and withheld-history bound, for tests. */
  anchorTimings?: AnchorWatchTimings;
  /** Shorter metrics sampling and saving, for tests. */
  metricsTimings?: Partial<MetricsTimings>;
  /** Where metrics not saved yet go when the page goes away (sessionStorage in browsers). */
  metricsJournal?: MetricsJournal;
  /** Checks op signatures in batches (a worker pool in browsers); default: on the calling thread. */
  signatures?: BatchVerifier;
  /** When key-rotation checks run (default: `scheduler`); tests drive it with a virtual clock. */
  rotationScheduler?: Scheduler;
}

export async function createNode({ store, platform, origin, connectPolicy, chainPreset, ...deps }: NodeDeps): Promise<TabnodeNode> {
  const { runtime } = deps;
  // Closing the node cancels what its parts left scheduled.
  const scheduler = closableScheduler(deps.scheduler);
  const rotationScheduler = deps.rotationScheduler ? closableScheduler(deps.rotationScheduler) : scheduler;
  const [servedPolicy, preset] = await Promise.all([connectPolicy?.() ?? Promise.resolve(UNRESTRICTED), chainPreset?.() ?? Promise.resolve(undefined)]);
  const defaults = defaultSettings(origin, preset);
  const mesh = meshWithin(deps.mesh, (url) => allowsConnection(servedPolicy, url, origin));
  const getSettings = async () => withDefaults((await store.setting('network')) as Partial<NodeSettings> | undefined, origin, preset);
  const writerFor: WriterFor =
    deps.writerFor ??
    ((wallet, binding, settings, how) => {
      if (how?.relayed && !preset?.relay) throw new RelayError('this site offers no relayer (only its local dev chain has one): send the transaction from your wallet');
      return walletAnchorWriter(wallet, binding, settings, how?.relayed ? { relay: (data) => relayThroughSite(origin, data) } : {});
    });
  const autoWallet: { current?: WalletAccount; how?: HowToSend } = {};
  const chainFor = chainAccess(getSettings);
  const proofs = { accounts: settingsAccountVerifier(getSettings), anchors: evidenceSource(chainFor), ...(deps.signatures ? { signatures: deps.signatures } : {}) };
  const identity = identityService(store, platform, { origin, proofs });
  await identity.device();
  const vault = await openVault(store);
  const apps = appRegistry(store, origin);
  // Counts what every context's sync does from the start; it reads contexts only when sampling.
  const metrics = metricsService({
    store,
    scheduler,
    contexts: { openViews: () => contexts.openViews() },
    ...(deps.metricsTimings ? { timings: deps.metricsTimings } : {}),
    ...(deps.metricsJournal ? { journal: deps.metricsJournal } : {}),
  });
  const contexts = contextService({
    observeSync: metrics.observe,
    vault,
    appFor: async (appId, sync) => {
      if (appId === toHex(KV_APP_ID)) return kvApp();
      // Missing here: members have it, and it is checked against the id when it arrives.
      const bytes = (await apps.get(appId)) ?? (await sync.fetchApp(appId));
      return wasmApp(appId, bytes, runtime());
    },
    store,
    identity,
    mesh,
    settings: getSettings,
    scheduler,
    now: platform.now,
    randomBytes: platform.randomBytes,
    origin,
    proofs,
    anchoring: {
      chainFor,
      ...(deps.anchorTimings ? { timings: deps.anchorTimings } : {}),
      policy: (contextId) => storedPolicy(store, contextId),
      async autoWriter(binding) {
        const wallet = autoWallet.current;
        return wallet && writerFor(wallet, binding, await getSettings(), autoWallet.how);
      },
    },
  });
  // Contexts run for the identity signed in: opened at start-up or at login (so the
  // directory answers for all of them, not only for those a page opened), closed at
  // sign-out, reopened for another identity, and re-announced when this profile's device
  // key or delegation changes — in whichever tab it changed (rotation, renewal).
  // Only contexts opened as someone else are touched: a context opened (or created) by
  // this tab after a login already signs as the current identity.
  // Who signs changes only with the identity (in any tab): the alerts read it on every pass,
  // after every context change, and the follower below after an identity change; it is read
  // once per identity change, not three reads each time.
  let signer: ReturnType<typeof signerOf> | undefined;
  const currentSigner = (): ReturnType<typeof signerOf> => {
    if (signer) return signer;
    const read = signerOf(store);
    read.catch(() => signer === read && (signer = undefined));
    return (signer = read);
  };
  let startedFor = (await currentSigner())?.root;
  if (startedFor) await contexts.startAll();
  let checking = false;
  let again = false;
  const follow = async (): Promise<void> => {
    if (checking) return void (again = true);
    checking = true;
    try {
      do {
        again = false;
        const now = await currentSigner();
        if (!now) {
          // Signed out (maybe in another tab): the stored box key went with the root.
          forgetDeviceBoxKey(store);
          startedFor = undefined;
          await contexts.closeAll();
          continue;
        }
        const stale = await contexts.staleness(now);
        if (stale === 'root') await contexts.closeAll();
        if (stale === 'key') await contexts.reannounce();
        if (stale === 'root' || startedFor !== now.root) {
          // Another root means a sign-out came between (maybe unseen here, in another tab).
          forgetDeviceBoxKey(store);
          startedFor = now.root;
          await contexts.startAll();
        }
      } while (again);
    } finally {
      checking = false;
    }
  };
  const stopFollowing = store.onChange((areas) => {
    if (!areas.has('identity')) return;
    signer = undefined;
    void follow();
  });
  // Started signed in or not: it follows the store, so a later login starts it too.
  const directory = directoryService({ identity, contexts, store, mesh, settings: getSettings, scheduler, now: platform.now, randomBytes: platform.randomBytes, proofs });
  await directory.start();

  const devices = devicesService({ store, platform, identity, contexts, proofs });
  metrics.start();
  const alerts = alertsService({ store, openViews: () => contexts.openAlertsViews(), onContextsChange: contexts.onChange, signer: currentSigner, now: platform.now, scheduler });
  const rotation = keyRotationService({ store, platform, identity, devices, scheduler: rotationScheduler });
  rotation.start();

  return {
    identity,
    devices: { ...devices, hygiene: rotation.hygiene, rotation },
    contexts,
    directory,
    apps,
    metrics: metrics.api,
    alerts,
    anchors: anchorsApi({ contexts, store, settings: getSettings, writerFor, autoWallet }),
    chain: {
      preset: () => preset,
      async fund(address) {
        if (!preset?.faucet) throw new FaucetError('this site offers no faucet (only its local dev chain has one)');
        return fundFromFaucet(origin, address);
      },
    },
    settings: {
      get: getSettings,
      async update(next) {
        const valid = validateSettings(next);
        await store.putSetting('network', settingsToStored(valid));
        return valid;
      },
      async reset() {
        await store.putSetting('network', settingsToStored(defaults));
        return defaults;
      },
      async outsidePolicy(candidate) {
        return outsideConnectPolicy(candidate, servedPolicy, origin);
      },
    },
    onChange(listener) {
      // A context's ops, seals and snapshots are written on every op: its own change event says so.
      const a = store.onChange((areas) => beyondHistory(areas) && listener());
      const b = contexts.onChange(listener);
      return () => {
        a();
        b();
      };
    },
    async close() {
      rotation.stop();
      stopFollowing();
      alerts.stop();
      await directory.stop();
      await metrics.close();
      await contexts.closeAll();
      await store.close();
      scheduler.close();
      rotationScheduler.close();
    },
  };
}

/** Who contexts sign as now: the root, this device's key, and its delegation's expiry (none before a login). */
async function signerOf(store: KeyStore & CertificateStore): Promise<{ root: string; key: string; expiry: number } | undefined> {
  const [root, device, delegations] = await Promise.all([store.root(), store.deviceKey(), store.delegations()]);
  if (!root || !device) return undefined;
  const key = toBase58(device.publicKey);
  const delegation = delegations.find((d) => d.clientKey === key && d.root === root.id);
  return delegation && { root: root.id, key, expiry: delegation.expiresAt };
}
