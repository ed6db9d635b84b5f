import type { ContextView } from '../../node/index.ts';
import { formatCount as count } from '../shell/wording.ts';

/** While a peer is ahead: how much of the history it advertised is here (its count is advisory). */
export function CatchUpBar({ catchUp }: { catchUp: NonNullable<ContextView['catchUp']> }) {
  const { have, expected } = catchUp;
  return (
    <div className="catch-up" role="status" data-testid="catch-up">
      <span>
        Catching up: {count(have)} of {count(expected)} ops
      </span>
      <progress max={Math.max(1, expected)} value={have} aria-label="Catch-up progress" />
    </div>
  );
}
