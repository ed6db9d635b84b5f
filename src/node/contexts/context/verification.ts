import * as Y from 'yjs';
import { bytesEqual } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import { stateAtParents } from '../../../core/context/stateAtParents.ts';
import type { ContextApp } from '../../apps/contextApp.ts';
import type { VerificationView } from '../view.ts';
import type { Alerts } from './alerts.ts';
import { executorOf } from './selectors/events.ts';

/**
 * Verifiable execution: re-run a delta's recorded call against the state at its parents,
 * as its author, with the Yjs client id its update used, and compare the updates.
 */
export function createVerifier(p: {
  contextId: Uint8Array;
  replica: Replica;
  alerts: Alerts;
  app(): Promise<ContextApp>;
  onChange(): void;
  /** A relay runs no app, so it re-runs nothing (its failed re-runs would read as mismatches). */
  isRelay(): boolean;
}) {
  const { replica } = p;
  const verifications = new Map<string, VerificationView>();

  /** Who made a call, as people know them: the label of the device that signed it (as the other alerts name peers). */
  function authorName(authorKey: string, executor: string): string {
    return replica.governance().keys.get(authorKey)?.label ?? `${executor.slice(0, 24)}…`;
  }

  async function verify(opKey: string): Promise<VerificationView | undefined> {
    const c = replica.dag.get(opKey);
    if (!c || p.isRelay()) return undefined;
    const body = replica.deltaBody(c);
    if (!body?.call) return undefined;
    const executor = executorOf(replica.governance(), c);
    const base: VerificationView = { opKey, method: body.call.method, executor, result: 'failed', message: '' };
    let view: VerificationView;
    try {
      const doc = stateAtParents(replica, c);
      const clientID = [...Y.parseUpdateMeta(body.update).to.keys()][0] ?? 0;
      const runner = await p.app();
      const rerun = await runner.call(body.call.method, body.call.input, { executor, contextId: p.contextId, doc, clientID });
      const same = rerun.update !== null && bytesEqual(rerun.update, body.update);
      view = same
        ? { ...base, result: 'confirmed', message: 'the re-run produced the identical update' }
        : { ...base, result: 'mismatch', message: 'the re-run produced a different update than the op carries' };
    } catch (e) {
      view = { ...base, result: 'mismatch', message: `the re-run failed: ${(e as Error).message}` };
    }
    verifications.set(opKey, view);
    if (view.result === 'mismatch') p.alerts.raise('verification', `a ${view.method} call by ${authorName(c.author, executor)} does not match its recorded call: ${view.message}`);
    p.onChange();
    return view;
  }

  /** Re-check the newest recorded calls of others (after a reload: results are not stored). */
  async function recheck(myKey: string, newest: number, isClosed: () => boolean): Promise<void> {
    const recorded = [...replica.dag.all()].filter((c) => c.author !== myKey && replica.deltaBody(c)?.call);
    for (const c of recorded.slice(-newest)) {
      if (isClosed()) return;
      await verify(c.key).catch(() => undefined);
    }
  }

  return { verify, recheck, all: (): ReadonlyMap<string, VerificationView> => verifications };
}
