import { useEffect, useState, type FormEvent } from 'react';
import type { ChainSettings } from '../../node/settings.ts';
import { walletFor } from '../wallet/walletSession.ts';
import { parseRootId } from '../../core/identity/rootId.ts';
import { BUILTIN_APPS } from '../../node/apps/registry.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { navigate } from '../shell/router.ts';
import { plainError } from '../shell/plainWords.ts';

const UPLOAD = 'upload';

/** Start a context: a name, an app (built-in or an uploaded .wasm), and verifiable calls. */
export function NewContextForm() {
  const node = useNode();
  const [name, setName] = useState('');
  const [app, setApp] = useState<string>(BUILTIN_APPS[0].name);
  const [file, setFile] = useState<File>();
  const [verifiable, setVerifiable] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [anchorable, setAnchorable] = useState<{ chain: ChainSettings; owner: `0x${string}` }>();
  const [anchored, setAnchored] = useState(false);

  // Anchoring needs an Ethereum root (its address owns the registration) and a chain in Settings.
  useEffect(() => {
    void Promise.all([node.identity.status(), node.settings.get()]).then(([status, settings]) => {
      const root = status.root;
      if (root?.kind !== 'ethereum' || !settings.chain.rpcUrl) return;
      setAnchorable({ chain: settings.chain, owner: parseRootId(root.id).address as `0x${string}` });
      setAnchored(true);
    });
  }, [node]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      let appId: string;
      if (app === UPLOAD) {
        if (!file) throw new Error('choose a .wasm file to upload');
        appId = await node.apps.install(new Uint8Array(await file.arrayBuffer()));
      } else {
        appId = await node.apps.builtinId(app);
      }
      const anchor = anchored && anchorable ? { chainId: anchorable.chain.chainId, registry: anchorable.chain.registry as `0x${string}`, owner: anchorable.owner } : undefined;
      const id = await node.contexts.create(name, { app: appId, verifiable, ...(anchor ? { anchor } : {}) });
      if (anchor) {
        // The owner's wallet registers it on chain (its address is in the genesis).
        const wallet = await walletFor(node.devices.isRootWallet, await node.settings.get());
        if (wallet?.kind === 'ethereum') {
          // On the site's local dev chain a new wallet has no ETH: its faucet pays for the registration.
          const preset = node.chain.preset();
          if (preset?.faucet && preset.chainId === anchor.chainId) await node.chain.fund(wallet.address);
          const tx = await node.anchors.register(id, wallet);
          if (tx.state === 'failed') throw new Error(`the context was created, but registering it on chain failed: ${tx.error} (try again from its Anchors panel)`);
        }
      }
      navigate({ page: 'context', id });
    } catch (e) {
      setError(plainError(e).text);
      setBusy(false);
    }
  }

  const chosen = BUILTIN_APPS.find((a) => a.name === app);
  return (
    <form className="card" onSubmit={create} aria-labelledby="create-context-title">
      <h2 id="create-context-title">New context</h2>
      <div className="fields">
        <label className="field">
          <span>Name</span>
          <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. Design team" required />
        </label>
        <label className="field">
          <span>App</span>
          <select value={app} onChange={(e) => setApp(e.target.value)}>
            {BUILTIN_APPS.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
            <option value={UPLOAD}>Upload a .wasm module…</option>
          </select>
          <small>{chosen ? chosen.description : 'Its id is the SHA-256 of its bytes; members fetch it from you and check the hash.'}</small>
        </label>
        {app === UPLOAD && (
          <label className="field">
            <span>WASM module</span>
            <input type="file" accept=".wasm,application/wasm" onChange={(e) => setFile(e.target.files?.[0])} data-testid="wasm-upload" />
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={verifiable} onChange={(e) => setVerifiable(e.target.checked)} />
          Verifiable execution: record each call so members re-run it and check the result
        </label>
        {anchorable && (
          <label className="check">
            <input type="checkbox" checked={anchored} onChange={(e) => setAnchored(e.target.checked)} data-testid="anchor-context" />
            Anchor to chain {anchorable.chain.chainId}: membership, revocations and the app hash are registered on chain through your wallet
          </label>
        )}
      </div>
      <ErrorAlert message={error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          Create context
        </button>
      </div>
    </form>
  );
}
