import { useState, type FormEvent } from 'react';
import type { ContextHandle, ContextView } from '../../node/index.ts';
import { ConfirmDialog } from '../shell/ConfirmDialog.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { countOf } from '../shell/wording.ts';
import { plainError, plainRefusal } from '../shell/plainWords.ts';

/** A site as the context records it (scheme://host[:port]), or as typed when it is not one. */
function shownSite(text: string): string {
  try {
    return new URL(text.trim()).origin;
  } catch {
    return text.trim();
  }
}

/** How many members' live devices signed in with a wallet on `site`. */
function signedInOn(view: ContextView, site: string): number {
  return view.members.reduce((n, m) => n + m.devices.filter((d) => !d.revoked && d.origin === site).length, 0);
}

/**
 * The sites members may sign in from with a wallet. Every peer refuses a wallet delegation
 * signed for any other site (a phishing page's); owners add and remove sites.
 */
export function OriginsPanel({ view, onOutcome }: { view: ContextView; onOutcome: (text: string, ok: boolean, detail?: string) => void }) {
  const node = useNode();
  const [site, setSite] = useState('');
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string>();
  const isOwner = view.myRole === 'owner';

  /** `what` names the change in a refusal or error; `done` says what it did ("… is allowed now."). */
  async function change(what: string, done: string, run: () => ReturnType<ContextHandle['changeOrigins']>): Promise<boolean> {
    setBusy(true);
    try {
      const outcome = await run();
      if (outcome.valid) {
        onOutcome(done, true);
        return true;
      }
      const told = plainRefusal(outcome.reason, outcome.message);
      onOutcome(`${what}: ${told.text}`, false, told.detail);
      return outcome.valid;
    } catch (e) {
      const told = plainError(e);
      onOutcome(`${what}: ${told.text}`, false, told.detail);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (await change(`Allow ${site.trim()}`, `${shownSite(site)} is allowed now.`, () => node.contexts.open(view.id).changeOrigins({ add: [site] }))) setSite('');
  }

  return (
    <section className="card" aria-labelledby="origins-title">
      <h2 id="origins-title">Allowed sites</h2>
      <p className="muted small">
        Wallet sign-ins count only from these sites: a delegation a wallet signed for any other site (a phishing page) is refused by every member.
        Recovery-phrase identities sign inside the app and are always accepted.
      </p>
      {view.origins.length === 0 ?
        <p className="muted">No site: only recovery-phrase identities can act here.</p>
      : <ul className="members" data-testid="origins">
          {view.origins.map((o) => (
            <li key={o} data-testid="origin" data-origin={o}>
              <span className="who">
                <code>{o}</code>
                {o === view.myOrigin && <span className="badge">you signed in here</span>}
              </span>
              {isOwner && o !== view.myOrigin && (
                <button
                  type="button"
                  className="button small danger"
                  disabled={busy}
                  onClick={() => setRemoving(o)}
                  aria-label={`Remove ${o}`}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      }
      {isOwner && (
        <form onSubmit={add} className="fields row origins-add">
          <label className="field grow">
            <span>Site</span>
            <input value={site} placeholder="https://tabnode.example" onChange={(e) => setSite(e.target.value)} required data-testid="origin-input" />
          </label>
          <button type="submit" className="button primary" disabled={busy || !site.trim()}>
            Allow
          </button>
        </form>
      )}
      {removing !== undefined && (
        <ConfirmDialog
          title={`Stop allowing ${removing}?`}
          confirmLabel="Stop allowing"
          onCancel={() => setRemoving(undefined)}
          onConfirm={async () => {
            const o = removing;
            setRemoving(undefined);
            await change(`Stop allowing ${o}`, `${o} is no longer allowed.`, () => node.contexts.open(view.id).changeOrigins({ remove: [o] }));
          }}
        >
          <p>
            Every member will refuse what devices signed in with a wallet on {removing} sign from now on
            {signedInOn(view, removing) > 0 ? ` (${countOf(signedInOn(view, removing), 'device')} here did)` : ''}: they can act again only after signing in on an
            allowed site.
          </p>
        </ConfirmDialog>
      )}
      {!isOwner && <p className="muted small">Only owners change the allowed sites: allowing one lets delegations signed there act for every member.</p>}
    </section>
  );
}
