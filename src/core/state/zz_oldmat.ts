import * as Y from 'yjs';
import { checkStateUpdate } from './checkUpdate.ts';
import { StateLayoutError } from './layout.ts';
import type { Snapshot } from './snapshot.ts';
import { stateRoot } from './stateRoot.ts';

/** A snapshot that cannot be loaded (its update is not a state the layout allows). */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export interface ContextStateOptions {
  /** Snapshots kept in memory as rebuild starting points (newest last). Default 4. */
  keepSnapshots?: number;
}

/**
 * A context's application state, made only of the Yjs updates of valid state deltas.
 *
 * - Deterministic: the same set of applied updates gives the same state root in any order
 *   (Yjs converges; pending structs integrate once their dependencies arrive).
 * - An update whose structs depend on content that is not applied (an earlier update of the
 *   same Yjs client, or an item it overwrote) waits inside Yjs and shows nowhere: not in the
 *   map, not in the root. `stuck()` lists such deltas.
 * - An update that breaks the layout (checkStateUpdate) is refused, the same way on every
 *   peer: it counts as taken (`has` is true) but changes nothing. `refused()` says why.
 * - `rebuild` replaces `doc` with a new Y.Doc when applied deltas lost validity; the old doc
 *   is destroyed (listen to its 'destroy' event to re-attach observers).
 */
export interface ContextState {
  readonly doc: Y.Doc;
  /** Take in one valid delta (idempotent per op key). */
  apply(opKey: string, update: Uint8Array): void;
  /** Whether this delta was taken in (applied or refused). */
  has(opKey: string): boolean;
  /**
   * Make the state exactly the given valid deltas: incrementally when every applied delta is
   * still among them, else from the kept snapshot covering the most deltas all still valid,
   * else from empty.
   */
  rebuild(valid: Iterable<readonly [string, Uint8Array]>): void;
  /** Record the current state (kept as a rebuild starting point, and returned for storage). */
  takeSnapshot(): Snapshot;
  /** Start from a stored snapshot (e.g. after a reload); also kept as a starting point. */
  loadSnapshot(s: Snapshot): void;
  /** The state root of what is applied (cached until the state changes). */
  root(): Uint8Array;
  /**
   * Deltas whose structs wait inside Yjs for a missing dependency. Deltas restored by
   * loadSnapshot are included once a rebuild has passed their updates.
   */
  stuck(): string[];
  /** Refused deltas with the reason (those restored by loadSnapshot are not listed). */
  refused(): ReadonlyMap<string, string>;
}

/** Marks transactions of materialisation (observers can tell them from local ones). */
export const MATERIALIZE_ORIGIN = Symbol('tabnode/materialize');

/** A kept snapshot with what this state knew about its deltas when it was taken. */
interface Kept {
  snapshot: Snapshot;
  applied: ReadonlyMap<string, Reaches | null>;
  refusals: ReadonlyMap<string, string>;
}

/** Clock each Yjs client reaches once a delta's structs are in (empty: refused, no structs). */
type Reaches = Map<number, number>;

export function createContextState(options: ContextStateOptions = {}): ContextState {
  const keep = Math.max(0, options.keepSnapshots ?? 4);
  let doc = new Y.Doc();
  /** Op key → what its structs reach (null: restored from a stored snapshot, not known yet). */
  let applied = new Map<string, Reaches | null>();
  let refusals = new Map<string, string>();
  let cachedRoot: Uint8Array | undefined;
  const kept: Kept[] = [];

  function keepSnapshot(k: Kept): void {
    if (keep === 0) return;
    kept.push(k);
    if (kept.length > keep) kept.shift();
  }

  function reset(from: Kept | undefined): void {
    const next = new Y.Doc();
    if (from) Y.applyUpdate(next, from.snapshot.update, MATERIALIZE_ORIGIN);
    const old = doc;
    doc = next;
    applied = new Map(from?.applied);
    refusals = new Map(from?.refusals);
    cachedRoot = undefined;
    old.destroy();
  }

  function apply(opKey: string, update: Uint8Array): void {
    if (applied.has(opKey)) return;
    try {
      checkStateUpdate(update);
    } catch (e) {
      if (!(e instanceof StateLayoutError)) throw e;
      applied.set(opKey, new Map());
      refusals.set(opKey, e.message);
      return;
    }
    Y.applyUpdate(doc, update, MATERIALIZE_ORIGIN);
    applied.set(opKey, Y.parseUpdateMeta(update).to);
    cachedRoot = undefined;
  }

  return {
    get doc() {
      return doc;
    },
    apply,
    has: (opKey) => applied.has(opKey),

    rebuild(valid) {
      const wanted = new Map(valid);
      const stillValid = (key: string) => wanted.has(key);
      if (![...applied.keys()].every(stillValid)) {
        let best: Kept | undefined;
        for (const k of kept) {
          if (k.snapshot.deltas.every(stillValid) && k.snapshot.deltas.length >= (best?.snapshot.deltas.length ?? 0)) best = k;
        }
        reset(best);
      }
      for (const [key, reaches] of applied) {
        if (reaches === null) applied.set(key, reachesOf(wanted.get(key)!)); // learn what a stored snapshot did not say
      }
      for (const [key, update] of wanted) apply(key, update);
    },

    takeSnapshot() {
      const snapshot: Snapshot = { deltas: [...applied.keys()].sort(), update: Y.encodeStateAsUpdate(doc) };
      keepSnapshot({ snapshot, applied: new Map(applied), refusals: new Map(refusals) });
      return snapshot;
    },

    loadSnapshot(snapshot) {
      try {
        checkStateUpdate(snapshot.update);
      } catch (e) {
        throw new SnapshotError(`the snapshot cannot be loaded: ${(e as Error).message}; rebuild from the deltas instead`);
      }
      const k: Kept = { snapshot, applied: new Map(snapshot.deltas.map((key) => [key, null])), refusals: new Map() };
      reset(k);
      keepSnapshot(k);
    },

    root() {
      cachedRoot ??= stateRoot(doc);
      return cachedRoot;
    },

    stuck() {
      const out: string[] = [];
      for (const [key, reaches] of applied) {
        if (!reaches) continue;
        for (const [client, clock] of reaches) {
          if (Y.getState(doc.store, client) < clock) {
            out.push(key);
            break;
          }
        }
      }
      return out.sort();
    },

    refused: () => refusals,
  };
}

function reachesOf(update: Uint8Array): Reaches | null {
  try {
    return Y.parseUpdateMeta(update).to;
  } catch {
    return null; // not an update: it was refused when the snapshot was made
  }
}
