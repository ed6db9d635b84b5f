import { useEffect, useState } from 'react';
import type { ContextView } from '../../node/index.ts';
import { BUILTIN_APPS } from '../../node/apps/registry.ts';
import { KV_APP_ID } from '../../node/apps/kvApp.ts';
import { toHex } from '../../core/crypto/index.ts';
import { roleRank } from '../../core/ops/roles.ts';
import { ConfirmDialog } from '../shell/ConfirmDialog.tsx';
import { downloadFile } from '../shell/downloadFile.ts';
import { useNode } from '../shell/nodeContext.ts';
import { plainError, plainRefusal } from '../shell/plainWords.ts';
import { navigate } from '../shell/router.ts';

type Asking = { kind: 'leave' } | { kind: 'forget' } | { kind: 'app'; name: string };

/** The built-in apps by id (hex): the WASM ones' ids are their hashes, known once loaded. */
function useBuiltinNames(): ReadonlyMap<string, string> {
  const node = useNode();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(() => new Map([[toHex(KV_APP_ID), BUILTIN_APPS[0].name]]));
  useEffect(() => {
    let current = true;
    void Promise.allSettled(BUILTIN_APPS.map(async (a) => [await node.apps.builtinId(a.name), a.name] as const)).then((results) => {
      if (current) setNames(new Map(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))));
    });
    return () => {
      current = false;
    };
  }, [node]);
  return names;
}

/** What you can do with the context as a whole: change its app (admins), leave it, forget it here. */
export function ContextActions({ view, onOutcome }: { view: ContextView; onOutcome: (text: string, ok: boolean, detail?: string) => void }) {
  const node = useNode();
  const names = useBuiltinNames();
  const current = names.get(view.appId);
  const others = BUILTIN_APPS.filter((a) => a.name !== current);
  const [asking, setAsking] = useState<Asking>();
  const [chosen, setNextApp] = useState<string>();
  const nextApp = chosen && others.some((a) => a.name === chosen) ? chosen : others[0]!.name;
  const isAdmin = view.myRole !== undefined && roleRank(view.myRole) >= roleRank('admin');
  const soleOwner = view.myRole === 'owner' && view.members.filter((m) => m.role === 'owner').length === 1;

  function tell(what: string, outcome: { valid: boolean; reason?: string; message?: string }) {
    if (outcome.valid) return onOutcome(what, true);
    const told = plainRefusal(outcome.reason, outcome.message);
    onOutcome(`Not done. ${told.text}`, false, told.detail);
  }

  async function backUp() {
    try {
      const file = await node.contexts.open(view.id).backup();
      downloadFile(file);
      onOutcome(`Saved ${file.filename}. Keep it private: it holds this context's meeting secret (not a way in).`, true);
    } catch (e) {
      const told = plainError(e);
      onOutcome(`No backup made. ${told.text}`, false, told.detail);
    }
  }

  async function confirm() {
    const now = asking!;
    if (now.kind === 'forget') {
      await node.contexts.forget(view.id);
      navigate({ page: 'contexts' });
      return;
    }
    if (now.kind === 'leave') {
      setAsking(undefined);
      return tell('You left this context. Its data stays readable on this device until you forget it here.', await node.contexts.open(view.id).leave());
    }
    const appId = await node.apps.builtinId(now.name);
    setAsking(undefined);
    tell(`The app is now ${now.name}.`, await node.contexts.open(view.id).setApp(appId));
  }

  return (
    <section className="card" aria-labelledby="context-actions-title">
      <h2 id="context-actions-title">This context</h2>
      <p>
        App: <strong data-testid="app-name">{current ?? `an uploaded WASM app (id ${view.appId.slice(0, 10)}…)`}</strong>
      </p>
      {isAdmin && !view.departure && (
        <div className="inline-form">
          <label htmlFor="next-app">Change the app to</label>
          <select id="next-app" value={nextApp} onChange={(e) => setNextApp(e.target.value)}>
            {others.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
              </option>
            ))}
          </select>
          <button type="button" className="button secondary small" onClick={() => setAsking({ kind: 'app', name: nextApp })}>
            Change app…
          </button>
        </div>
      )}
      <div className="actions start spaced">
        <button type="button" className="button secondary" onClick={() => void backUp()}>
          Download backup
        </button>
        {view.myRole && !soleOwner && (
          <button type="button" className="button secondary" onClick={() => setAsking({ kind: 'leave' })}>
            Leave context…
          </button>
        )}
        <button type="button" className="button danger" onClick={() => setAsking({ kind: 'forget' })}>
          Delete from this device…
        </button>
      </div>
      {soleOwner && <p className="muted small">You are its only owner: make another member an owner before you can leave.</p>}
      {asking?.kind === 'leave' && (
        <ConfirmDialog title={`Leave “${view.name}”?`} confirmLabel="Leave" onCancel={() => setAsking(undefined)} onConfirm={confirm}>
          <p>Members will refuse your changes from now on, and only an admin&apos;s new invite brings you back. What you already have stays readable here.</p>
        </ConfirmDialog>
      )}
      {asking?.kind === 'forget' && (
        <ConfirmDialog title={`Delete “${view.name}” from this device?`} confirmLabel="Delete here" onCancel={() => setAsking(undefined)} onConfirm={confirm}>
          <p>
            Its history, shared data and your private data for it are deleted from this browser. Other members keep their copies
            {view.myRole ? ', and you stay a member: a backup or an invite brings it back here' : ''}.
          </p>
        </ConfirmDialog>
      )}
      {asking?.kind === 'app' && (
        <ConfirmDialog title={`Change the app to ${asking.name}?`} confirmLabel="Change app" onCancel={() => setAsking(undefined)} onConfirm={confirm}>
          <p>Every member runs the new app from now on, on the same shared data. Members fetch it from you and check its hash.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
