import type { ContextSyncOptions } from './contextSync.ts';
import { syncCodec, type SyncMessage } from './messages.ts';
import type { QuotaBreach } from './quota.ts';
import type { Session } from './session.ts';

/** What the parts of a context's sync share: its options, its sessions, and saying things to a peer. */
export interface SyncWire {
  o: ContextSyncOptions;
  sessions: Map<string, Session>;
  send(s: Session, m: SyncMessage): void;
  /** Say goodbye (with the reason) and close the link. */
  close(s: Session, reason: string): void;
  /** Cut off a peer that cost more than a quota, and report it. */
  breach(s: Session, e: QuotaBreach): void;
  /** The admitted peers. */
  verified(): Session[];
  stopped(): boolean;
}

export function createSyncWire(o: ContextSyncOptions, stopped: () => boolean): SyncWire {
  const sessions = new Map<string, Session>();

  function send(s: Session, m: SyncMessage): void {
    if (s.link.closed) return;
    const bytes = syncCodec.encode(m);
    s.info.sent.messages++;
    s.info.sent.bytes += bytes.length;
    if (m.kind === 'ops') s.info.sent.ops += m.ops.length;
    s.outboundBytes += bytes.length;
    s.link.send(bytes).then(
      () => void (s.outboundBytes -= bytes.length),
      () => void (s.outboundBytes -= bytes.length),
    );
  }

  function close(s: Session, reason: string): void {
    if (s.info.state === 'closed') return;
    send(s, { kind: 'bye', reason: reason.slice(0, 200) });
    s.info.state = 'closed';
    s.info.closeReason = reason;
    s.link.close(reason);
    o.onChange?.({ kind: 'peers' });
  }

  return {
    o,
    sessions,
    send,
    close,
    breach(s, e) {
      if (s.info.state === 'closed') return;
      o.replica.dag.dropPendingFrom(s.link.id);
      close(s, `quota: ${e.message}`);
      o.onChange?.({ kind: 'breach', from: s.link.id, message: `${s.info.label ?? s.link.id} was disconnected: ${e.message}` });
    },
    verified: () => [...sessions.values()].filter((s) => s.info.state === 'verified'),
    stopped,
  };
}
