import type { ContextView } from '../../node/index.ts';
import { formatCount as count } from '../shell/wording.ts';

/** While a long history loads from this device: the data shown is its last snapshot, and actions wait. */
export function OpeningBar({ opening }: { opening: NonNullable<ContextView['opening']> }) {
  const { have, expected } = opening;
  return (
    <div className="opening" role="status" data-testid="opening">
      <span>Opening: {expected === undefined ? 'reading the history stored here…' : `${count(have)} of ${count(expected)} stored ops loaded`}</span>
      <progress max={Math.max(1, expected ?? 1)} value={expected === undefined ? 0 : have} aria-label="Opening progress" />
      <small className="muted">The data below is from its last snapshot; changes you make are saved once it has loaded.</small>
    </div>
  );
}
