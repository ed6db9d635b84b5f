import type { GovState } from '../../../../core/governance/state.ts';
import type { InvalidOpView } from '../../view.ts';
import type { History } from './types.ts';

/** How many invalid ops a view lists (the newest). */
export const MAX_INVALID_OPS = 100;

/** The ops that do not count, with who made them and why (the newest ones). */
export function selectInvalidOps(g: GovState, history: History): InvalidOpView[] {
  const invalidOps: InvalidOpView[] = [];
  for (const c of history.ops) {
    const v = history.verdict(c.key);
    if (v && !v.valid) {
      const author = g.keys.get(c.author);
      invalidOps.push({
        key: c.key,
        kind: c.op.body.kind,
        author: author ? `${author.label} (${author.root})` : c.author.slice(0, 12),
        ...(author ? { authorName: author.label, authorRoot: author.root } : {}),
        reason: v.reason,
        message: v.message,
        time: c.op.time,
      });
    }
  }
  return invalidOps.slice(-MAX_INVALID_OPS);
}
