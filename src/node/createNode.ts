import type { Store } from '../core/store/index.ts';
import { identityService, type IdentityService, type Platform } from './identityService.ts';
import { defaultSettings, settingsToStored, validateSettings, type NodeSettings } from './settings.ts';

/**
 * The one facade the UI and end-to-end tests use. Later issues add contexts, calls,
 * events and status here; nothing above this layer touches storage or keys directly.
 */
export interface TabnodeNode {
  identity: IdentityService;
  settings: {
    get(): Promise<NodeSettings>;
    update(next: NodeSettings): Promise<NodeSettings>;
    reset(): Promise<NodeSettings>;
  };
  /** Called after any change to what the node stores, from this tab or another. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface NodeDeps {
  store: Store;
  platform: Platform;
  /** The page's origin, for the default signaling URL. */
  origin: string;
}

export async function createNode({ store, platform, origin }: NodeDeps): Promise<TabnodeNode> {
  const identity = identityService(store, platform);
  await identity.device();
  const defaults = defaultSettings(origin);

  return {
    identity,
    settings: {
      async get() {
        const stored = (await store.setting('network')) as NodeSettings | undefined;
        return stored ?? defaults;
      },
      async update(next) {
        const valid = validateSettings(next);
        await store.putSetting('network', settingsToStored(valid));
        return valid;
      },
      async reset() {
        await store.putSetting('network', settingsToStored(defaults));
        return defaults;
      },
    },
    onChange: (listener) => store.onChange(listener),
    close: () => store.close(),
  };
}
