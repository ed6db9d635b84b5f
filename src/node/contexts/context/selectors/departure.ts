import type { GovState } from '../../../../core/governance/state.ts';
import type { RootId } from '../../../../core/identity/index.ts';
import type { Departure } from '../../view.ts';
import type { History } from './types.ts';

/**
 * How this root stopped being a member, read from the last valid op that ended its
 * membership: removed (by whom, as a device label people recognise) or left. None while
 * it is a member, or if it never was one here.
 */
export function selectDeparture(g: GovState, history: History, myRoot: RootId): Departure | undefined {
  if (g.members.has(myRoot)) return undefined;
  let last: Departure | undefined;
  for (const c of history.ops) {
    const body = c.op.body;
    if (body.kind !== 'remove' && body.kind !== 'leave') continue;
    if (!history.verdict(c.key)?.valid) continue;
    const author = g.keys.get(c.author);
    if (body.kind === 'remove' && body.member === myRoot) {
      last = { how: 'removed', by: author?.label ?? 'an admin', ...(author ? { byRoot: author.root } : {}), at: c.op.time };
    }
    if (body.kind === 'leave' && author?.root === myRoot) last = { how: 'left', at: c.op.time };
  }
  return last;
}
