import * as Y from 'yjs';
import type { StateCall, StateWriter } from './writer.ts';

/** The random source could not give a usable client id. */
export class WriteSessionError extends Error {
  override readonly name = 'WriteSessionError';
}

/**
 * Which Yjs client id this node writes as, per context and per session (tab).
 *
 * Yjs integrates a client's structs only in clock order: an update of client X starting at
 * clock c waits (pending, invisible) until X's clocks 0..c-1 are present. So an update may
 * continue client X only if everything X wrote before is in the state it is written
 * against, and no clock of X may ever be used twice. The session keeps a client id while
 * that holds and takes a fresh one when it does not:
 *
 * - the base doc holds X exactly up to where our last update ended → continue X;
 * - otherwise (an earlier write is still being signed, was never published, or was
 *   dropped as invalid on a rebuild) → a fresh id, so the new update never waits on an
 *   update of ours that the base lacks.
 *
 * A session is kept in memory only: a new session (reload, another tab) starts with a fresh
 * id, so clocks of an id are never reused. Ids are drawn from `randomUint32` (core takes no
 * randomness of its own) and skip ids the base already knows.
 */
export interface WriteSession {
  /** The client id the next write against `base` will use (drawing a fresh one now if it must). */
  clientIdFor(base: Y.Doc): number;
  /** Run `writer` against `base` (not mutated) and return its update. */
  write(writer: StateWriter, base: Y.Doc, call: StateCall): Uint8Array;
}

export function createWriteSession(randomUint32: () => number): WriteSession {
  let clientID: number | undefined;
  /** Clock just after our last update as client `clientID`. */
  let end = 0;
  const used = new Set<number>();

  function continuous(base: Y.Doc, id: number): boolean {
    if (Y.getState(base.store, id) !== end) return false;
    // Our structs pending inside Yjs (a doc fed raw updates; a ContextState never leaves any).
    return !pendingClients(base).has(id);
  }

  function fresh(base: Y.Doc): number {
    const taken = pendingClients(base);
    for (let attempt = 0; attempt < 32; attempt++) {
      const id = randomUint32() >>> 0;
      if (id === 0 || used.has(id) || id === base.clientID || base.store.clients.has(id) || taken.has(id)) continue;
      return id;
    }
    throw new WriteSessionError('the random source keeps giving client ids already in use; pass a real random uint32 source');
  }

  function clientIdFor(base: Y.Doc): number {
    if (clientID === undefined || !continuous(base, clientID)) {
      clientID = fresh(base);
      used.add(clientID);
      end = 0;
    }
    return clientID;
  }

  return {
    clientIdFor,
    write(writer, base, call) {
      const id = clientIdFor(base);
      const update = writer.write(base, call, id);
      // A deletion-only update adds no structs: the clock stays where it was.
      end = Math.max(end, Y.parseUpdateMeta(update).to.get(id) ?? 0);
      return update;
    },
  };
}

function pendingClients(doc: Y.Doc): Set<number> {
  const pending = doc.store.pendingStructs;
  return pending ? new Set(Y.parseUpdateMeta(pending.update).to.keys()) : new Set();
}
