import type { Replica } from '../../../core/context/replica.ts';
import type { CheckedOp } from '../../../core/governance/checkedOp.ts';
import type { ContextStore } from '../../../core/store/index.ts';
import type { SyncEvent } from '../../../core/sync/contextSync.ts';
import { isDeltaKind } from '../../../core/governance/rules.ts';
import type { Alerts } from './alerts.ts';
import type { EventLog } from './events.ts';
import { executorOf, publishedEventView } from './selectors/events.ts';

/**
 * What the sync layer reports, acted on: refused ops stored and raised, quota and clock
 * alerts, peers' checkpoints compared, and new ops followed by joining, revocation catch-up,
 * events and re-runs of others' recorded calls.
 */
export function createSyncEventHandler(p: {
  contextKey: string;
  myKey: string;
  store: Pick<ContextStore, 'putRejections'>;
  replica: Replica;
  alerts: Alerts;
  events: EventLog;
  receiveCheckpoint(bytes: Uint8Array): Promise<void>;
  verify(opKey: string): Promise<unknown>;
  tryJoin(): Promise<unknown>;
  catchUpRevocations(): Promise<unknown>;
  now(): number;
  onChange(): void;
}) {
  const { replica, alerts } = p;

  /** A delta from another node: show its events; re-run its recorded call if there is one. */
  async function onDelta(c: CheckedOp): Promise<void> {
    const body = replica.deltaBody(c);
    if (!body || c.author === p.myKey || !replica.verdict(c.key)?.valid) return;
    const executor = executorOf(replica.governance(), c);
    for (const e of body.events) p.events.emit(publishedEventView(e, executor, c.key, p.now()));
    if (body.call) await p.verify(c.key);
  }

  return async function onSyncEvent(event: SyncEvent): Promise<void> {
    if (event.kind === 'rejected') {
      await p.store.putRejections(
        event.rejections.map((r) => ({ context: p.contextKey, reason: r.reason, message: r.message, at: p.now(), ...(r.key ? { key: r.key } : {}), ...(event.from ? { from: event.from } : {}) })),
      );
      alerts.raise('rejected-op', `${event.rejections.length} op(s) refused: ${event.rejections[0]!.message}`);
    }
    if (event.kind === 'breach') {
      // "… (last: <the rule's message>)": the last refusal is technical, kept as the detail.
      const last = / \(last: ([\s\S]*)\)$/.exec(event.message);
      if (last) alerts.raise('quota', event.message.slice(0, last.index), last[1]);
      else alerts.raise('quota', event.message);
    }
    if (event.kind === 'clock' && !alerts.list().some((a) => a.kind === 'clock' && a.message === event.message)) alerts.raise('clock', event.message);
    if (event.kind === 'checkpoint') await p.receiveCheckpoint(event.bytes);
    if (event.kind === 'ops') {
      await p.tryJoin();
      await p.catchUpRevocations();
      // New deltas, and older ones a late op made valid (both once).
      const deltas = new Map([...event.result.added, ...event.result.accepted].filter((c) => isDeltaKind(c.op.body.kind)).map((c) => [c.key, c]));
      for (const c of deltas.values()) await onDelta(c);
    }
    p.onChange();
  };
}
