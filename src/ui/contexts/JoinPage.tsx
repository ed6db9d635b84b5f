import { useEffect, useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { navigate } from '../shell/router.ts';
import { useLive } from '../shell/useLive.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { formatDateTime, sentence } from '../shell/wording.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { useHeldInvite } from './heldInvite.ts';
import { ProblemText } from '../shell/Problem.tsx';
import { loadContextPage } from './contextPageChunk.ts';

/** Where an invite link lands: check the invite, then join. The invite was in the link's fragment (heldInvite.ts). */
export function JoinPage({ signedIn }: { signedIn: boolean }) {
  const node = useNode();
  const link = useHeldInvite();
  const { value: preview } = useLive(() => node.contexts.previewInvite(link), [link], 60_000);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  usePageTitle('Join a context');
  // The context page comes next: its code loads while the invite is read, not after the click.
  useEffect(() => void loadContextPage().catch(() => undefined), []);

  async function join() {
    setBusy(true);
    try {
      const id = await node.contexts.join(link);
      navigate({ page: 'context', id });
    } catch (e) {
      setError(sentence((e as Error).message));
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="join-title">
      <h1 id="join-title">Join a context</h1>
      {!preview ?
        <p className="muted">Checking the invite…</p>
      : !preview.ok ?
        <div className="error" role="alert" data-testid="invite-problem">
          <ProblemText problem={{ text: preview.problem, ...(preview.detail ? { detail: preview.detail } : {}) }} />
        </div>
      : <>
          <p>
            You are invited to <strong data-testid="invite-context">{preview.contextName}</strong> as <strong>{preview.role}</strong>. The invite is valid until{' '}
            {formatDateTime(preview.expiresAt)}
            {preview.maxUses > 1 ? ` for ${preview.maxUses} people` : ''}.
          </p>
          {!signedIn ?
            <p role="status">Create or restore your identity below first; you come back here afterwards.</p>
          : preview.alreadyHere ?
            <button type="button" className="button primary" onClick={() => navigate({ page: 'context', id: preview.contextId })}>
              Open the context
            </button>
          : <button type="button" className="button primary" disabled={busy} onClick={() => void join()}>
              {busy ? 'Joining…' : 'Join'}
            </button>
          }
        </>
      }
      <ErrorAlert message={error} />
    </section>
  );
}
