import { fromHex } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import { governanceRoot, readKvShared, type ContextState } from '../../../core/state/index.ts';
import type { ContextView, InvalidOpView } from '../view.ts';
import { selectInvalidOps } from './selectors/invalidOps.ts';

/**
 * What views and checkpoints derive from the whole history or state, recomputed only when
 * it can have changed: verdicts and governance change only as a receive changes the DAG,
 * the state only when its root (cached by the state itself) is a new object.
 */
export function createDerived(replica: Replica, state: ContextState) {
  let derivedAt = -1;
  let derived: { governanceRoot: Uint8Array; invalidOps: InvalidOpView[] } = { governanceRoot: new Uint8Array(32), invalidOps: [] };
  let kvFor: Uint8Array | undefined;
  let kv: ContextView['kv'] = [];

  // The governance root hashes every member and key: recomputed only when governance changed,
  // not on each delta (a view is read after every op).
  let rootFor: object | undefined;
  let root: Uint8Array = new Uint8Array(32);

  function fromHistory() {
    if (derivedAt === replica.changes()) return derived;
    const g = replica.governance();
    const version = replica.governanceVersion();
    if (version !== rootFor) {
      root = governanceRoot(g);
      rootFor = version;
    }
    derived = { governanceRoot: root, invalidOps: selectInvalidOps(g, { ops: replica.invalidOps(), verdict: replica.verdict }) };
    derivedAt = replica.changes();
    return derived;
  }

  function kvEntries(): ContextView['kv'] {
    const root = state.root();
    if (root !== kvFor) {
      kv = readKvShared(state.doc);
      kvFor = root;
    }
    return kv;
  }

  /** What a checkpoint carries and compares: heads, governance root, state root. */
  function localView() {
    const heads = replica.heads().slice(0, 64).map(fromHex);
    return { heads, governanceRoot: fromHistory().governanceRoot, stateRoot: state.root() };
  }

  return { fromHistory, kvEntries, localView };
}

export type Derived = ReturnType<typeof createDerived>;
