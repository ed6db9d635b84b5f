import { useState, type FormEvent } from 'react';
import type { ContextView } from '../../node/index.ts';
import type { AnchorsView, AnchorStatus, AnchorTxView } from '../../node/anchors/view.ts';
import { plainAnchorStatus } from './anchorWords.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import { parseRootId } from '../../core/identity/rootId.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { formatDateTime } from '../shell/wording.ts';
import { useNode } from '../shell/nodeContext.ts';
import { walletFor } from '../wallet/walletSession.ts';
import { plainError } from '../shell/plainWords.ts';

const BAD: AnchorStatus[] = ['withheld', 'mismatch', 'fork'];

const short = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-6)}`;

function txText(t: AnchorTxView): string {
  const gas = t.gasUsed ? ` · ${Number(t.gasUsed).toLocaleString()} gas` : '';
  const where = t.txHash ? ` · tx ${short(t.txHash)}` : '';
  const retries = t.attempts > 1 ? ` · ${t.attempts} attempts` : '';
  return `${t.kind}: ${t.state}${where}${t.blockNumber ? ` · block ${t.blockNumber}` : ''}${gas}${retries}${t.error ? ` — ${t.error}` : ''}`;
}

/** The context's anchors on chain: latest, status against this node, history, and (for admins) anchoring. */
export function AnchorsPanel({ view }: { view: ContextView }) {
  const node = useNode();
  const anchors = view.anchors;
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [keyToRevoke, setKeyToRevoke] = useState('');
  const [relayed, setRelayed] = useState(false);
  // Re-render after "Stop anchoring automatically": the wallet lives in the node, not here.
  const [, setStopped] = useState(0);
  if (!anchors) return null;
  const admin = view.myRole === 'owner' || view.myRole === 'admin';
  const owner = view.myRole === 'owner';
  const automatic = node.anchors.automaticWallet();

  async function withWallet(what: string, run: (wallet: WalletAccount) => Promise<AnchorTxView | void>) {
    setBusy(what);
    setError(undefined);
    try {
      const wallet = await walletFor(node.devices.isRootWallet, await node.settings.get());
      if (!wallet) throw new Error('connect the wallet of this identity (an Ethereum account) to sign on chain');
      const tx = await run(wallet);
      if (tx && tx.state === 'failed') setError(`${what} failed: ${plainError(new Error(tx.error ?? 'the chain gave no reason')).text}`);
    } catch (e) {
      setError(plainError(e).text);
    } finally {
      setBusy(undefined);
    }
  }

  const preset = node.chain.preset();
  const faucet = preset?.faucet && preset.chainId === anchors.binding.chainId;
  const relayer = preset?.relay && preset.chainId === anchors.binding.chainId;
  const how = { relayed: Boolean(relayer && relayed) };

  // Only an Ethereum wallet signs for the registry: an admin revokes any device, anyone else its own root's.
  const ethereumRoot = parseRootId(view.myRoot).kind === 'ethereum';
  const revocable = ethereumRoot ? view.members.flatMap((m) => m.devices.filter((d) => !d.revoked && (admin || m.me)).map((d) => ({ ...d, root: m.root }))) : [];

  return (
    <section className="card" aria-labelledby="anchors-title" data-testid="anchors-panel">
      <div className="heading-row">
        <h2 id="anchors-title">Anchors</h2>
        <span className={BAD.includes(anchors.status) ? 'badge bad' : anchors.status === 'in-sync' ? 'badge good' : 'badge'} data-testid="anchor-status" data-status={anchors.status}>
          {plainAnchorStatus(anchors.status)}
        </span>
      </div>
      <dl className="facts">
        <dt>Chain</dt>
        <dd>
          {anchors.binding.chainId} · registry <code title={anchors.binding.registry}>{short(anchors.binding.registry)}</code> · owner{' '}
          <code title={anchors.binding.owner}>{short(anchors.binding.owner)}</code>
          {anchors.chain.state !== 'reading' ?
            <span className="error"> — {anchors.chain.message}</span>
          : <span className="muted"> · read to block {anchors.chain.lastBlock ?? '…'}</span>}
        </dd>
        <dt>Latest anchor</dt>
        <dd data-testid="latest-anchor" data-seq={anchors.latest?.seq ?? ''}>
          {anchors.latest ?
            <>
              #{anchors.latest.seq} · block {anchors.latest.blockNumber} · {formatDateTime(anchors.latest.at)} · tx{' '}
              <code title={anchors.latest.txHash}>{short(anchors.latest.txHash)}</code>
            </>
          : 'none'}
        </dd>
        {anchors.statusMessage && (
          <>
            <dt>Why</dt>
            <dd>{anchors.statusMessage}</dd>
          </>
        )}
        {anchors.appHash && (
          <>
            <dt>App</dt>
            <dd data-testid="app-anchor" data-matches={String(anchors.appMatches)}>
              {anchors.appMatches ? 'matches the anchored hash' : <strong className="error">differs from the anchored hash {short(anchors.appHash)}: not run</strong>}
            </dd>
          </>
        )}
        {anchors.chainAdmins.length > 0 && (
          <>
            <dt>Admins on chain</dt>
            <dd data-testid="chain-admins">
              {anchors.chainAdmins.map((a) => (
                <code key={a} title={a}>
                  {short(a)}{' '}
                </code>
              ))}
              {anchors.adminChanges.length > 0 && (
                <span className="muted" data-testid="admin-changes">
                  {' '}
                  — differs from the context: {anchors.adminChanges.map((c) => `${c.enabled ? 'add' : 'remove'} ${short(c.admin)}`).join(', ')}
                </span>
              )}
            </dd>
          </>
        )}
        {admin && anchors.due && (
          <>
            <dt>Policy</dt>
            <dd>an anchor is due ({anchors.due})</dd>
          </>
        )}
      </dl>
      {admin && (
        <div className="actions">
          {owner && !anchors.registered && (
            <button type="button" className="button primary small" disabled={Boolean(busy)} onClick={() => void withWallet('Register', (w) => node.anchors.register(view.id, w, how))}>
              Register on chain
            </button>
          )}
          {anchors.registered && (
            <button type="button" className="button primary small" data-testid="anchor-now" disabled={Boolean(busy)} onClick={() => void withWallet('Anchor', (w) => node.anchors.anchor(view.id, w, how))}>
              Anchor now
            </button>
          )}
          {anchors.registered && anchors.adminChanges.length > 0 && (
            <button type="button" className="button secondary small" disabled={Boolean(busy)} onClick={() => void withWallet('Admins on chain', (w) => node.anchors.syncAdmins(view.id, w, how))}>
              Update admins on chain
            </button>
          )}
          {faucet && (
            <button
              type="button"
              className="button secondary small"
              disabled={Boolean(busy)}
              onClick={() => void withWallet('Funding from the dev faucet', async (w) => void (w.kind === 'ethereum' && (await node.chain.fund(w.address))))}
              title="The local dev chain only: 10 test ETH to pay for anchoring transactions"
            >
              Get test ETH
            </button>
          )}
          {automatic ?
            <button type="button" className="button secondary small" disabled={Boolean(busy)} onClick={() => {
                node.anchors.useWallet(undefined);
                setStopped((n) => n + 1);
              }}>
              Stop anchoring automatically
            </button>
          : <button
              type="button"
              className="button secondary small"
              disabled={Boolean(busy)}
              onClick={() => void withWallet('Automatic anchoring', async (w) => node.anchors.useWallet(w, how))}
              title="Anchor what the policy asks for with this wallet, without asking each time in this tab"
            >
              Anchor automatically with my wallet
            </button>
          }
        </div>
      )}
      {admin && automatic && (
        <p className="muted small" data-testid="anchoring-automatically">
          Anchoring automatically: your wallet <code title={automatic}>{short(automatic)}</code> makes the anchors the policy asks for, while this tab is open.
        </p>
      )}
      {(admin || revocable.length > 0) && relayer && (
        <label className="check">
          <input type="checkbox" checked={relayed} onChange={(e) => setRelayed(e.target.checked)} data-testid="anchor-relayed" /> Sign only (EIP-712): the site's dev relayer sends
          the transaction and pays
        </label>
      )}
      {anchors.registered && revocable.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (keyToRevoke) void withWallet('Revocation on chain', (w) => node.anchors.revokeKey(view.id, keyToRevoke, w, how));
          }}
        >
          <label>
            Revoke a device key on chain (terminal){' '}
            <select value={keyToRevoke} onChange={(e) => setKeyToRevoke(e.target.value)} data-testid="revoke-on-chain-key">
              <option value="">choose a device…</option>
              {revocable.map((d) => (
                <option key={d.key} value={d.key}>
                  {d.label} ({short(d.key)})
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" className="button danger small" disabled={Boolean(busy) || !keyToRevoke}>
            Revoke on chain
          </button>
        </form>
      )}
      {busy && <p role="status">{busy}: waiting for the wallet and the chain…</p>}
      <ErrorAlert message={error} />
      {anchors.txs.length > 0 && (
        <>
          <h3>Transactions</h3>
          <ul className="plain" data-testid="anchor-txs">
            {anchors.txs.map((t, i) => (
              <li key={`${t.at}-${i}`} data-state={t.state} data-kind={t.kind}>
                {txText(t)}
              </li>
            ))}
          </ul>
        </>
      )}
      {anchors.history.length > 1 && (
        <>
          <h3>History</h3>
          <ul className="plain" data-testid="anchor-history">
            {anchors.history.map((a) => (
              <li key={a.seq}>
                #{a.seq} · block {a.blockNumber} · {formatDateTime(a.at)} · head <code>{short(a.record.govHead)}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {anchors.revokedOnChain.length > 0 && (
        <p className="muted" data-testid="revoked-on-chain">
          Keys revoked on chain:{' '}
          {anchors.revokedOnChain
            .map((key) => {
              const device = view.members.flatMap((m) => m.devices).find((d) => d.key === key);
              return device ? `${device.label} (${short(key)})` : short(key);
            })
            .join(', ')}
        </p>
      )}
      <PolicyForm view={view} anchors={anchors} editable={admin} />
    </section>
  );
}

function PolicyForm({ view, anchors, editable }: { view: ContextView; anchors: AnchorsView; editable: boolean }) {
  const node = useNode();
  const [governance, setGovernance] = useState(anchors.policy.governance);
  const [everyOps, setEveryOps] = useState(String(anchors.policy.everyOps));
  const [everyMinutes, setEveryMinutes] = useState(String(anchors.policy.everyMs / 60_000));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  if (!editable) return null;
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await node.anchors.setPolicy(view.id, { governance, everyOps: Number(everyOps), everyMs: Math.round(Number(everyMinutes) * 60_000) });
      setMessage({ ok: true, text: 'Saved.' });
    } catch (err) {
      setMessage({ ok: false, text: plainError(err).text });
    }
  }
  return (
    <form onSubmit={save} aria-label="Anchoring policy">
      <h3>Policy</h3>
      <label className="check">
        <input type="checkbox" checked={governance} onChange={(e) => setGovernance(e.target.checked)} /> Anchor every membership change, role change and key revocation
      </label>
      <label className="field">
        <span>Checkpoint every … ops (0: off)</span>
        <input inputMode="numeric" value={everyOps} onChange={(e) => setEveryOps(e.target.value)} />
      </label>
      <label className="field">
        <span>… or every … minutes (0: off)</span>
        <input inputMode="numeric" value={everyMinutes} onChange={(e) => setEveryMinutes(e.target.value)} />
      </label>
      {message && <p className={message.ok ? 'result good' : 'result bad'}>{message.text}</p>}
      <div className="actions">
        <button type="submit" className="button secondary small">
          Save policy
        </button>
      </div>
    </form>
  );
}
