import type { AnchorBinding, AnchorWriter } from '../../core/anchor/AnchorChain.ts';
import { DEFAULT_ANCHOR_POLICY, validatePolicy, type AnchorPolicy } from '../../core/anchor/policy.ts';
import type { SettingValue, SettingsStore } from '../../core/store/index.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import type { ContextHandle, ContextService } from '../contexts/service/index.ts';
import type { NodeSettings } from '../settings.ts';
import type { AnchorTxView } from './view.ts';

/** What the UI does with anchoring; reading and checking run on their own for every anchored context. */
export interface AnchorsApi {
  /** Register a context on its chain (its owner's wallet). */
  register(contextId: string, wallet: WalletAccount, how?: HowToSend): Promise<AnchorTxView>;
  /** Anchor the governance head, member set and state root now (an admin's wallet). */
  anchor(contextId: string, wallet: WalletAccount, how?: HowToSend): Promise<AnchorTxView>;
  /** Revoke a client key (hex) on chain: terminal, imported by every node with an RPC. */
  revokeKey(contextId: string, clientKeyHex: string, wallet: WalletAccount, how?: HowToSend): Promise<AnchorTxView>;
  /** Make the chain's admins the context's Ethereum-rooted owner and admins (an admin's wallet). */
  syncAdmins(contextId: string, wallet: WalletAccount, how?: HowToSend): Promise<AnchorTxView | undefined>;
  setPolicy(contextId: string, policy: AnchorPolicy): Promise<void>;
  /** The wallet that makes the anchors policies ask for, in this tab (none: nothing automatic). */
  useWallet(wallet: WalletAccount | undefined, how?: HowToSend): void;
  /** The address of the wallet set by useWallet (lowercase), if any. */
  automaticWallet(): string | undefined;
}

/** `relayed`: the wallet signs (EIP-712) and the site's dev relayer sends and pays; default: the wallet sends the transaction. */
export interface HowToSend {
  relayed?: boolean;
}

export type WriterFor = (wallet: WalletAccount, binding: AnchorBinding, settings: NodeSettings, how?: HowToSend) => Promise<AnchorWriter>;

const policyKey = (contextId: string) => `anchor-policy/${contextId}`;

export async function storedPolicy(store: SettingsStore, contextId: string): Promise<AnchorPolicy> {
  const stored = (await store.setting(policyKey(contextId))) as Partial<AnchorPolicy> | undefined;
  return { ...DEFAULT_ANCHOR_POLICY, ...stored };
}

export function anchorsApi(d: { contexts: ContextService; store: SettingsStore; settings(): Promise<NodeSettings>; writerFor: WriterFor; autoWallet: { current?: WalletAccount; how?: HowToSend } }): AnchorsApi {
  async function withWriter<T>(contextId: string, wallet: WalletAccount, how: HowToSend, run: (a: Awaited<ReturnType<ContextHandle['anchors']>>, w: AnchorWriter) => Promise<T>): Promise<T> {
    const anchors = await d.contexts.open(contextId).anchors();
    const binding = anchors.binding();
    if (!binding) throw new Error('this context is not anchored to a chain (its genesis binds none)');
    return run(anchors, await d.writerFor(wallet, binding, await d.settings(), how));
  }
  return {
    register: (id, wallet, how = {}) => withWriter(id, wallet, how, (a, w) => a.register(w)),
    anchor: (id, wallet, how = {}) => withWriter(id, wallet, how, (a, w) => a.anchor(w)),
    revokeKey: (id, key, wallet, how = {}) => withWriter(id, wallet, how, (a, w) => a.revokeKey(w, key)),
    syncAdmins: (id, wallet, how = {}) => withWriter(id, wallet, how, (a, w) => a.syncAdmins(w)),
    async setPolicy(contextId, policy) {
      const valid = validatePolicy(policy);
      await d.store.putSetting(policyKey(contextId), valid as unknown as SettingValue);
      (await d.contexts.open(contextId).anchors()).setPolicy(valid);
    },
    useWallet(wallet, how = {}) {
      d.autoWallet.current = wallet;
      d.autoWallet.how = how;
      // Anchors already due (a change made before the wallet was set) are made now, not at the next change.
      if (wallet) {
        void d.contexts
          .list()
          .then((all) => Promise.all(all.map((c) => d.contexts.open(c.id).anchors().then((a) => a.walletSet(), () => undefined))))
          .catch(() => undefined);
      }
    },
    automaticWallet() {
      return d.autoWallet.current?.address.toLowerCase();
    },
  };
}
