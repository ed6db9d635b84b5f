import { fromHex, sha256 } from '../crypto/index.ts';
import type { Rejection } from '../context/replica.ts';
import { idKey } from '../ops/op.ts';
import type { SyncMessage } from './messages.ts';
import { QuotaBreach, SYNC_QUOTAS } from './quota.ts';
import type { Session } from './session.ts';
import type { SyncWire } from './wire.ts';

type AppWant = Extract<SyncMessage, { kind: 'app-want' }>;
type App = Extract<SyncMessage, { kind: 'app' }>;

/**
 * Application binaries between admitted peers, by SHA-256: served when asked (a bounded
 * number of times per peer and hash), asked for until one arrives that hashes right. A
 * binary nobody asked for while one is awaited is a wrong or tampered one: counted against
 * its sender's rejected bytes.
 */
export function createAppTransfer(w: SyncWire) {
  const { o } = w;
  /** App binaries asked for and not yet received: hash → resolvers. */
  const wanted = new Map<string, ((bytes: Uint8Array) => void)[]>();

  function reject(s: Session, hash: string, bytes: number): void {
    const rejection: Rejection = { reason: 'bad-app', message: `${s.info.label ?? 'a peer'} sent an app binary whose SHA-256 (${hash.slice(0, 12)}…) is not the app asked for: tampered or wrong, not kept`, bytes };
    o.onChange?.({ kind: 'rejected', rejections: [rejection], from: s.info.linkId });
    s.rejectedBytes += bytes;
    if (s.rejectedBytes > SYNC_QUOTAS.rejectedBytes) w.breach(s, new QuotaBreach('rejectedBytes', 'it keeps sending app binaries that are not what was asked for'));
  }

  return {
    async onAppWant(s: Session, m: AppWant): Promise<void> {
      const hash = idKey(m.hash);
      const times = s.appSends.get(hash) ?? 0;
      if (times >= SYNC_QUOTAS.appSendsPerHash) return;
      const bytes = await o.apps?.get(hash);
      if (!bytes) return;
      s.appSends.set(hash, times + 1);
      w.send(s, { kind: 'app', bytes });
    },

    async onApp(s: Session, m: App): Promise<void> {
      const hash = idKey(sha256(m.bytes));
      const waiting = wanted.get(hash);
      if (!waiting) {
        // Not asked for: while this node waits for an app, a binary that hashes to none of
        // the ones asked for is a wrong or tampered one, and its sender is told on.
        if (wanted.size) reject(s, hash, m.bytes.length);
        return;
      }
      wanted.delete(hash);
      await o.apps?.put(hash, m.bytes);
      for (const resolve of waiting) resolve(m.bytes);
    },

    /** Ask admitted peers for an app binary, again every `periodMs`; resolves once one arrives that hashes right. */
    fetchApp(hash: string, periodMs: number): Promise<Uint8Array> {
      return new Promise((resolve) => {
        const waiting = wanted.get(hash) ?? [];
        waiting.push(resolve);
        wanted.set(hash, waiting);
        const ask = () => {
          if (!wanted.has(hash) || w.stopped()) return;
          for (const s of w.verified()) w.send(s, { kind: 'app-want', hash: fromHex(hash) });
          o.scheduler.schedule(periodMs, ask);
        };
        ask();
      });
    },
  };
}
