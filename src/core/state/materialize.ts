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
 * - Deterministic: the state (root, `stuck()`, `refused()`) is a function of the set of
 *   deltas taken in, whatever the order, the path (rebuilds, snapshots) or the batching.
 *   Assumes no two deltas claim the same (Yjs client, clock): honest writers never do (see
 *   writeSession.ts); if two do, the first one taken in wins and the other is refused.
 * - A delta whose Yjs update depends on content that is not in the doc (an earlier clock of
 *   its Yjs client, the item it overwrote, an item it deletes) waits outside the doc, whole,
 *   and shows nowhere: not in the map, not in the root, not even its deletions. It goes in
 *   once everything it depends on is in. `stuck()` lists such deltas.
 * - A delta that breaks the layout (checkStateUpdate), or whose update is not one run of
 *   one Yjs client's clocks, is refused, the same way on every peer: it counts as taken
 *   (`has` is true) but changes nothing. `refused()` says why.
 * - `rebuild` replaces `doc` with a new Y.Doc when applied deltas lost validity; the old doc
 *   is destroyed (listen to its 'destroy' event to re-attach observers).
 */
export interface ContextState {
  readonly doc: Y.Doc;
  /** Take in one valid delta (idempotent per op key). */
  apply(opKey: string, update: Uint8Array): void;
  /** Whether this delta was taken in (applied, waiting or refused). */
  has(opKey: string): boolean;
  /**
   * Make the state exactly the given valid deltas: incrementally when every delta in the doc
   * is still among them, else from the kept snapshot covering the most deltas all still
   * valid, else from empty.
   */
  rebuild(valid: Iterable<readonly [string, Uint8Array]>): void;
  /**
   * Record the current state (kept as a rebuild starting point, and returned for storage).
   * It covers the deltas in the doc and the refused ones, not the waiting ones: those are
   * taken in again (and wait again) when the deltas are replayed after loading it.
   */
  takeSnapshot(): Snapshot;
  /**
   * Start from a stored snapshot (e.g. after a reload); also kept as a starting point.
   * `madeHere`: this node took it and its MAC checked out, so its layout is not checked
   * again (as ops sealed here are not verified again).
   */
  loadSnapshot(s: Snapshot, options?: { madeHere?: boolean }): void;
  /**
   * The string this state holds for `opKey` when it came with the loaded snapshot (until
   * `releaseLoadedKeys`). A replica loading the deltas names them with it, so a long history
   * holds one string per delta key, not an equal second one.
   */
  loadedKey(opKey: string): string | undefined;
  /** The load is done: drop the lookup `loadedKey` answers from. */
  releaseLoadedKeys(): void;
  /** The state root of what is applied (cached until the state changes). */
  root(): Uint8Array;
  /** Deltas waiting, outside the doc, for content they depend on (sorted). */
  stuck(): string[];
  /** Refused deltas with the reason (those restored by loadSnapshot are not listed). */
  refused(): ReadonlyMap<string, string>;
}

/** Marks transactions of materialisation (observers can tell them from local ones). */
export const MATERIALIZE_ORIGIN = Symbol('tabnode/materialize');

/**
 * A delta taken in but not in the doc yet, with what it needs first.
 *
 * Why we keep it out of Yjs instead of letting Yjs hold it as pending: Yjs 13.6 records for
 * its pending structs only the first missing clock it ran into, so a pending struct whose
 * own dependency arrives later may never be retried (it depends on the order updates came
 * in), and it applies a pending update's delete set on its own, before its structs. Both
 * made the state depend on the order of the same set of updates. Here a delta goes into the
 * doc whole, only once Yjs can integrate all of it, so Yjs never holds anything pending.
 */
interface Waiting {
  readonly update: Uint8Array;
  /** The Yjs client whose clocks its structs take (undefined: none, deletions only)… */
  readonly client: number | undefined;
  /** …from this clock. */
  readonly start: number;
  /** [client, clock] pairs: the doc must hold client's clocks below clock (state ≥ clock). */
  readonly needs: readonly (readonly [number, number])[];
  /** Needs before this index are known to be met (clocks only ever grow in a doc). */
  met: number;
}

/** A kept snapshot with what this state knew about its deltas when it was taken. */
interface Kept {
  /** Its doc's content: what a rebuild starts from. */
  update: Uint8Array;
  /**
   * Deltas in its doc (for a loaded snapshot: all its deltas, refused ones unknown). An array,
   * not a set: kept snapshots of a long history hold one entry per delta, and are only walked.
   */
  inDoc: readonly string[];
  refusals: ReadonlyMap<string, string>;
}

export function createContextState(options: ContextStateOptions = {}): ContextState {
  const keep = Math.max(0, options.keepSnapshots ?? 4);
  let doc = new Y.Doc();
  /** Deltas whose updates are in the doc: a set made from `inDocFrom` when first asked (an open shows the state before it needs one). */
  let inDoc = new Set<string>();
  let inDocFrom: readonly string[] | undefined;
  const deltasInDoc = (): Set<string> => {
    if (inDocFrom) {
      inDoc = new Set(inDocFrom);
      inDocFrom = undefined;
    }
    return inDoc;
  };
  let refusals = new Map<string, string>();
  let waiting = new Map<string, Waiting>();
  /** Waiting deltas by the client of their first unmet need, ordered by the clock needed. */
  let waiters = new Map<number, WaitQueue>();
  let cachedRoot: Uint8Array | undefined;
  const kept: Kept[] = [];
  let loadedKeys: Map<string, string> | undefined;
  let loadedFrom: readonly string[] | undefined;

  function keepSnapshot(k: Kept): void {
    if (keep === 0) return;
    kept.push(k);
    if (kept.length > keep) kept.shift();
  }

  /** Switch to `next` (a doc of exactly the deltas of `from`, or empty). */
  function reset(next: Y.Doc, from: Kept | undefined): void {
    const old = doc;
    doc = next;
    inDoc = new Set();
    inDocFrom = from?.inDoc;
    refusals = new Map(from?.refusals);
    waiting = new Map();
    waiters = new Map();
    cachedRoot = undefined;
    old.destroy();
  }

  function docOf(update: Uint8Array): Y.Doc {
    const next = new Y.Doc();
    Y.applyUpdate(next, update, MATERIALIZE_ORIGIN);
    return next;
  }

  /** Index of the first need of `w` the doc does not meet, or -1 if it meets them all. */
  function firstUnmet(w: Waiting): number {
    while (w.met < w.needs.length) {
      const [client, clock] = w.needs[w.met]!;
      if (Y.getState(doc.store, client) < clock) return w.met;
      w.met++;
    }
    return -1;
  }

  function wait(key: string, w: Waiting, need: number): void {
    const [client, clock] = w.needs[need]!;
    let queue = waiters.get(client);
    if (!queue) waiters.set(client, (queue = new WaitQueue()));
    queue.push(clock, key, w);
  }

  /** Put `first` (all its needs met) into the doc, then every waiting delta that it unblocks. */
  function integrate(first: string, w: Waiting): void {
    const ready: [string, Waiting][] = [[first, w]];
    Y.transact(
      doc,
      () => {
        while (ready.length > 0) {
          const [key, next] = ready.pop()!;
          waiting.delete(key);
          if (next.client !== undefined && Y.getState(doc.store, next.client) !== next.start) {
            // Another delta already took these clocks (never between honest writers).
            refusals.set(key, `its Yjs clocks (client ${next.client} from ${next.start}) are already taken by another delta`);
            continue;
          }
          Y.applyUpdate(doc, next.update, MATERIALIZE_ORIGIN);
          deltasInDoc().add(key);
          if (next.client !== undefined) wake(next.client, ready);
        }
      },
      MATERIALIZE_ORIGIN,
    );
    cachedRoot = undefined;
  }

  /** Client `client` advanced: move the deltas waiting for it on, or to `ready`. */
  function wake(client: number, ready: [string, Waiting][]): void {
    const queue = waiters.get(client);
    if (!queue) return;
    const state = Y.getState(doc.store, client);
    while (queue.size > 0 && queue.peekClock() <= state) {
      const { key, w } = queue.pop();
      if (waiting.get(key) !== w) continue; // no longer waiting (dropped by a rebuild)
      const need = firstUnmet(w);
      if (need < 0) ready.push([key, w]);
      else wait(key, w, need);
    }
    if (queue.size === 0) waiters.delete(client);
  }

  function apply(opKey: string, update: Uint8Array): void {
    if (deltasInDoc().has(opKey) || waiting.has(opKey) || refusals.has(opKey)) return;
    const w = readDelta(update);
    if (typeof w === 'string') {
      refusals.set(opKey, w);
      return;
    }
    waiting.set(opKey, w);
    const need = firstUnmet(w);
    if (need < 0) integrate(opKey, w);
    else wait(opKey, w, need);
  }

  return {
    get doc() {
      return doc;
    },
    apply,
    has: (opKey) => deltasInDoc().has(opKey) || waiting.has(opKey) || refusals.has(opKey),

    rebuild(valid) {
      const wanted = new Map(valid);
      const stillValid = (key: string) => wanted.has(key);
      if (![...deltasInDoc()].every(stillValid)) {
        let best: Kept | undefined;
        for (const k of kept) {
          if (k.inDoc.length >= (best?.inDoc.length ?? 0) && k.inDoc.every(stillValid)) best = k;
        }
        reset(best ? docOf(best.update) : new Y.Doc(), best);
      }
      // Waiting and refused deltas changed nothing in the doc: just forget those now invalid.
      for (const key of [...waiting.keys()]) if (!wanted.has(key)) waiting.delete(key);
      for (const key of [...refusals.keys()]) if (!wanted.has(key)) refusals.delete(key);
      for (const [key, update] of wanted) apply(key, update);
    },

    takeSnapshot() {
      const snapshot: Snapshot = { deltas: [...deltasInDoc(), ...refusals.keys()].sort(), update: Y.encodeStateAsUpdate(doc) };
      keepSnapshot({ update: snapshot.update, inDoc: [...deltasInDoc()], refusals: new Map(refusals) });
      return snapshot;
    },

    loadSnapshot(snapshot, { madeHere = false } = {}) {
      let next: Y.Doc;
      try {
        if (!madeHere) checkStateUpdate(snapshot.update);
        next = docOf(snapshot.update);
      } catch (e) {
        throw new SnapshotError(`the snapshot cannot be loaded: ${(e as Error).message}; rebuild from the deltas instead`);
      }
      if (next.store.pendingStructs || next.store.pendingDs) {
        // Made by an older version that let Yjs hold waiting deltas: which ones is unknown.
        next.destroy();
        throw new SnapshotError('the snapshot holds structs or deletions waiting for missing content; rebuild from the deltas instead');
      }
      const k: Kept = { update: snapshot.update, inDoc: snapshot.deltas, refusals: new Map() };
      reset(next, k);
      keepSnapshot(k);
      // Made when first asked: the state shows before the deltas load.
      loadedKeys = undefined;
      loadedFrom = snapshot.deltas;
    },

    loadedKey(opKey) {
      if (loadedFrom) {
        loadedKeys = new Map(loadedFrom.map((key) => [key, key]));
        loadedFrom = undefined;
      }
      return loadedKeys?.get(opKey);
    },
    releaseLoadedKeys() {
      loadedKeys = undefined;
      loadedFrom = undefined;
    },

    root() {
      cachedRoot ??= stateRoot(doc);
      return cachedRoot;
    },

    stuck: () => [...waiting.keys()].sort(),

    refused: () => refusals,
  };
}

/**
 * What a delta's update needs in the doc before Yjs can integrate all of it at once, or why
 * it is refused. Pure: the same bytes give the same answer on every peer.
 *
 * Needs: its client's earlier clocks (Yjs integrates a client's structs in clock order), the
 * items its structs sit next to (origin, right origin), and the items its delete set names
 * (so that it never deletes before its own structs are in).
 */
function readDelta(update: Uint8Array): Waiting | string {
  try {
    checkStateUpdate(update);
  } catch (e) {
    if (e instanceof StateLayoutError) return e.message;
    throw e;
  }
  const { structs, ds } = Y.decodeUpdate(update);
  let client: number | undefined;
  let start = 0;
  let end = 0;
  for (const s of structs) {
    if (s instanceof Y.Skip) return 'the update leaves a gap in its Yjs clocks (a merged update, not a delta)';
    if (client === undefined) {
      client = s.id.client;
      start = end = s.id.clock;
    } else if (s.id.client !== client) {
      return 'the update holds structs of more than one Yjs client (a merged update, not a delta)';
    }
    end += s.length;
  }
  const needs = new Map<number, number>();
  const need = (c: number, clock: number) => {
    // Clocks of its own run are there once the clocks before the run are.
    if (c === client && clock > start && clock <= end) clock = start;
    if (clock > (needs.get(c) ?? 0)) needs.set(c, clock);
  };
  if (client !== undefined) need(client, start);
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    for (const ref of [s.origin, s.rightOrigin]) {
      if (!ref) continue;
      // Yjs does not wait for a struct of the same client: it must come before.
      if (ref.client === client && ref.clock >= s.id.clock) return 'a struct of the update refers to a later one';
      need(ref.client, ref.clock + 1);
    }
  }
  for (const [c, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      if (len === 0) continue;
      // Its own client's clocks beyond its run are written only after it: never there before.
      if (c === client && clock + len > end) return 'the update deletes clocks of its own Yjs client that come after it';
      need(c, clock + len);
    }
  }
  return { update, client, start, needs: [...needs], met: 0 };
}

/** A min-heap of waiting deltas by the clock they wait for. */
class WaitQueue {
  private readonly heap: { clock: number; key: string; w: Waiting }[] = [];

  get size(): number {
    return this.heap.length;
  }

  peekClock(): number {
    return this.heap[0]!.clock;
  }

  push(clock: number, key: string, w: Waiting): void {
    const h = this.heap;
    h.push({ clock, key, w });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.clock <= h[i]!.clock) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  pop(): { key: string; w: Waiting } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.clock < h[m]!.clock) m = l;
        if (r < h.length && h[r]!.clock < h[m]!.clock) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
