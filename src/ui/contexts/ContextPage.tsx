import { lazy, Suspense, useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { BoardPanel } from './BoardPanel.tsx';
import { CatchUpBar } from './CatchUpBar.tsx';
import { OpeningBar } from './OpeningBar.tsx';
import { DataPanel } from './DataPanel.tsx';
import { MembersPanel } from './MembersPanel.tsx';
import { OriginsPanel } from './OriginsPanel.tsx';
import { SyncPanel } from './SyncPanel.tsx';
import { ContextActions } from './ContextActions.tsx';
import { OverwriteNotices } from './OverwriteNotices.tsx';
import { ProblemText } from '../shell/Problem.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { countOf } from '../shell/wording.ts';
import { plainError } from '../shell/plainWords.ts';

// Only anchored contexts show it: its code loads with the first one.
const AnchorsPanel = lazy(() => import('./AnchorsPanel.tsx').then((m) => ({ default: m.AnchorsPanel })));

/** One context: its shared data, its members, and how it syncs. */
export function ContextPage({ id }: { id: string }) {
  const node = useNode();
  const { value: view, error } = useLive(() => node.contexts.open(id).view(), [id]);
  const { value: methods } = useLive(() => node.contexts.open(id).methods().catch(() => []), [id], 5000);
  const isBoard = Boolean(methods?.some((m) => m.name === 'list_tasks'));
  const [outcome, setOutcome] = useState<{ text: string; ok: boolean; detail?: string }>();
  const onOutcome = (text: string, ok: boolean, detail?: string) => setOutcome({ text, ok, ...(detail ? { detail } : {}) });
  usePageTitle(view?.name ?? (error ? 'Context not found' : undefined));

  if (error) {
    return (
      <div className="card error" role="alert">
        <ProblemText problem={plainError(error)} />
      </div>
    );
  }
  if (!view) return <p className="loading">Opening the context…</p>;
  const online = view.peers.filter((p) => p.state === 'verified').length;
  return (
    <>
      <header className="card context-header">
        <h1 data-testid="context-name">{view.name}</h1>
        <p className="muted">
          {view.opening ?
            <span>Loading the history stored on this device…</span>
          : view.joining ?
            <span data-testid="joining">Joining: fetching the history from members…</span>
          : <>
              You are <strong data-testid="my-role">{view.myRole ?? 'not a member'}</strong>
            </>
          }{' '}
          · {countOf(view.members.length, 'member')} · {countOf(online, 'peer')} connected
        </p>
        {view.opening && <OpeningBar opening={view.opening} />}
        {view.catchUp && <CatchUpBar catchUp={view.catchUp} />}
        {view.joinProblem && (
          <p className="error" role="alert">
            Cannot join: {view.joinProblem}
          </p>
        )}
        {outcome && (
          <div className={outcome.ok ? 'result good' : 'result bad'} role="status" data-testid="outcome">
            <ProblemText problem={outcome} />
          </div>
        )}
      </header>
      <OverwriteNotices view={view} />
      {view.joining ? null
      : view.anchors?.appMatches === false ?
        // Not the app anchored on chain: it is not run, so its data is not shown as editable either.
        <section className="card" data-testid="app-refused">
          <h2>App not run</h2>
          <p className="error">This context's app differs from the hash anchored on chain: this node refuses to run it (see Anchors and Alerts below).</p>
        </section>
      : isBoard ?
        <BoardPanel view={view} onOutcome={onOutcome} />
      : <DataPanel view={view} onOutcome={onOutcome} />}
      <MembersPanel view={view} onOutcome={onOutcome} />
      {view.joining || view.opening ? null : <OriginsPanel view={view} onOutcome={onOutcome} />}
      {view.joining || view.opening || !view.anchors ? null : (
        <Suspense fallback={null}>
          <AnchorsPanel view={view} />
        </Suspense>
      )}
      <SyncPanel view={view} />
      {view.joining || view.opening ? null : <ContextActions view={view} onOutcome={onOutcome} />}
    </>
  );
}
