import { toHex } from '../../../../core/crypto/index.ts';
import type { CheckedOp } from '../../../../core/governance/checkedOp.ts';
import type { GovState } from '../../../../core/governance/state.ts';
import { describePayload } from '../../payloads.ts';
import type { EventView } from '../../view.ts';
import { readableDelta, type History } from './types.ts';
import type { DeltaBody } from '../../../../core/ops/op.ts';

/** How many events a context keeps and lists (the newest). */
export const MAX_EVENTS = 200;

type PublishedEvent = DeltaBody['events'][number];

/** The view of an event an op published (a hashed payload shows as its hash). */
export function publishedEventView(e: PublishedEvent, executor: string, opKey: string, at: number): EventView {
  return { name: e.name, payload: e.hashed ? `sha256:${toHex(e.payload)}` : describePayload(e.payload), hashed: e.hashed, executor, opKey, at };
}

/** Who executed an op: its author key's root, or the key itself when unknown. */
export function executorOf(g: GovState, c: CheckedOp): string {
  return g.keys.get(c.author)?.root ?? c.author;
}

/**
 * Recent events: others' from the valid ops themselves (so a reload loses none), mine
 * (`local`) with their whole payloads as this node saw them; events of calls that made no op
 * (private-only) exist only locally.
 */
export function selectEvents(g: GovState, history: History, local: readonly EventView[]): EventView[] {
  const mine = new Map(local.filter((e) => e.opKey).map((e) => [`${e.opKey}/${e.name}`, e]));
  const out: EventView[] = [];
  for (const c of history.ops) {
    const body = readableDelta(history, c);
    if (!body || body.events.length === 0 || !history.verdict(c.key)?.valid) continue;
    const executor = executorOf(g, c);
    for (const e of body.events) {
      const kept = mine.get(`${c.key}/${e.name}`);
      out.push(kept ?? publishedEventView(e, executor, c.key, c.op.time));
    }
  }
  for (const e of local) if (!e.opKey) out.push(e);
  return out.slice(-MAX_EVENTS);
}
