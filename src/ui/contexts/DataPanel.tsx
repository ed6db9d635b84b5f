import { useState, type FormEvent } from 'react';
import type { ContextView } from '../../node/index.ts';
import { ConfirmDialog } from '../shell/ConfirmDialog.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { plainError, plainRefusal, type Plain } from '../shell/plainWords.ts';
import { sharedWhere, whyReadOnly } from './writeWords.ts';

const PREVIEW_CHARS = 160;

/** Long values are shown cut, with their size: the page stays light with megabytes of state. */
function preview(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length <= PREVIEW_CHARS) return text;
  const size = text.length < 1024 ? `${text.length} characters` : `${Math.round(text.length / 1024)} KiB`;
  return `${text.slice(0, PREVIEW_CHARS)}… (${size})`;
}

/** The shared key/value state, and a form to set or remove a key (the built-in writer). */
export function DataPanel({ view, onOutcome }: { view: ContextView; onOutcome: (text: string, ok: boolean, detail?: string) => void }) {
  const node = useNode();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string>();

  async function run(call: { method: string; args: unknown }, what: string) {
    setBusy(true);
    try {
      const context = node.contexts.open(view.id);
      const outcome = await context.write(call);
      // The rendered view may predate going offline or a peer leaving: ask the node now.
      const told: Plain = outcome.valid ? { text: sharedWhere(await context.view()) } : plainRefusal(outcome.reason, outcome.message);
      onOutcome(`${what}: ${told.text}`, outcome.valid, told.detail);
    } catch (e) {
      const told = plainError(e);
      onOutcome(`${what}: ${told.text}`, false, told.detail);
    } finally {
      setBusy(false);
    }
  }

  function parseValue(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return text; // plain text is stored as a string
    }
  }

  const readOnly = whyReadOnly(view);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!key.trim()) return onOutcome('Give the key a name first, like “greeting”.', false);
    await run({ method: 'set', args: { key, value: parseValue(value) } }, `Set “${key}”`);
  }

  return (
    <section className="card" aria-labelledby="data-title">
      <h2 id="data-title">Shared data</h2>
      {view.kv.length === 0 ?
        <p className="muted">Nothing here yet.</p>
      : <table className="kv" data-testid="kv">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.kv.map(([k, v]) => (
              <tr key={k} data-key={k}>
                <td>
                  <code>{k}</code>
                </td>
                <td>
                  <code>{preview(v)}</code>
                </td>
                <td>
                  <button type="button" className="button small secondary" disabled={busy || Boolean(readOnly)} onClick={() => setRemoving(k)} aria-label={`Remove ${k}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
      {readOnly && (
        <p className="notice" data-testid="read-only">
          {readOnly}
        </p>
      )}
      <form onSubmit={save} className="fields row" aria-disabled={readOnly ? true : undefined}>
        <label className="field">
          <span>Key</span>
          <input value={key} maxLength={256} placeholder="e.g. greeting" onChange={(e) => setKey(e.target.value)} required disabled={Boolean(readOnly)} />
        </label>
        <label className="field grow">
          <span>Value (JSON or text)</span>
          <input value={value} placeholder="e.g. hello" onChange={(e) => setValue(e.target.value)} disabled={Boolean(readOnly)} />
        </label>
        <button type="submit" className="button primary" disabled={busy || !key.trim() || Boolean(readOnly)}>
          Set
        </button>
      </form>
      {removing !== undefined && (
        <ConfirmDialog
          title={`Remove “${removing}”?`}
          confirmLabel="Remove key"
          onCancel={() => setRemoving(undefined)}
          onConfirm={async () => {
            const k = removing;
            setRemoving(undefined);
            await run({ method: 'remove', args: { key: k } }, `Remove “${k}”`);
          }}
        >
          <p>“{removing}” and its value go from every member’s copy. Nothing keeps the old value: to have it back, someone sets it again.</p>
        </ConfirmDialog>
      )}
      {view.myRole === 'reader' && <p className="muted small">You are a reader: writes you try are signed and sent, and every peer rejects them.</p>}
    </section>
  );
}
