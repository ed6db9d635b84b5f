import { checkStateUpdate } from '../../src/core/state/checkUpdate.ts';
import { StateLayoutError } from '../../src/core/state/layout.ts';
import { createContextState, type ContextState } from '../../src/core/state/materialize.ts';
import { contextSamples } from '../samples/context.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

/*
 * A state delta's Yjs update, as the verification gate checks it before anything applies
 * it. An update the gate accepts then goes to a context state as a valid delta does: it is
 * applied, waits or is refused there, and never throws.
 *
 * The context state starts with the seed deltas, so fuzzed deltas that name their items
 * get integrated, and lives for a batch of inputs, as a replica lives through many deltas
 * (a fresh one per input would cost more than everything else here).
 */
const BATCH = 512;

let baseDeltas: Uint8Array[] = [];
let replica: { state: ContextState; uses: number } | undefined;
let applied = 0;

function seededState(): ContextState {
  const state = createContextState({ keepSnapshots: 0 });
  baseDeltas.forEach((update, i) => state.apply(`seed ${i}`, update));
  return state;
}

function applyThrows(state: ContextState, update: Uint8Array): unknown {
  try {
    state.apply(`fuzzed ${applied++}`, update);
    return undefined;
  } catch (error) {
    return error ?? new Error('a thrown undefined');
  }
}

export const stateUpdateTarget: FuzzTarget<void> = {
  name: 'state-update',
  decoder: 'checkStateUpdate (src/core/state/checkUpdate.ts, Yjs decodeUpdate), then the context state',
  async seeds() {
    const updates = (await contextSamples()).stateUpdates;
    baseDeltas = updates.filter((u) => {
      try {
        checkStateUpdate(u);
        return true;
      } catch {
        return false;
      }
    });
    return updates;
  },
  maxInputBytes: 8 * 1024,
  // lib0 `any` tags (object 118, array 117, string 119, …) and names the layout checks.
  dictionary: [...tokens('state', '__proto__', 'constructor', 'name', 'toString'), ...[116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127].map((t) => Uint8Array.of(t))],
  decode: checkStateUpdate,
  isRefusal: (error) => error instanceof StateLayoutError,
  check(_value, input) {
    if (!replica || replica.uses++ >= BATCH) replica = { state: seededState(), uses: 1 };
    const error = applyThrows(replica.state, input);
    if (error === undefined) return undefined;
    replica = undefined; // it may be half-changed
    const alone = applyThrows(seededState(), input) !== undefined;
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return `an update the gate accepts throws in the context state: ${what}${alone ? '' : ' (only after earlier inputs of the batch: rerun with the same --seed and --runs)'}`;
  },
};
