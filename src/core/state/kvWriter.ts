import type * as Y from 'yjs';
import { decodeValue } from './canonicalValue.ts';
import { draftUpdate } from './draft.ts';
import type { StateEntry } from './layout.ts';
import { readStateEntries } from './stateEntries.ts';
import type { StateWriter } from './writer.ts';

export const KV_WRITER_ID = 'kv';

export type KvErrorCode = 'unknown-method' | 'bad-args' | 'no-such-key' | 'no-change';

/** A kv call that cannot be performed. Key and value problems throw StateLayoutError instead. */
export class KvError extends Error {
  override readonly name = 'KvError';
  constructor(
    readonly code: KvErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The built-in writer: plain JSON values under string keys of the state map.
 * - `set {key, value}`: key not empty, ≤ 256 UTF-8 bytes; value JSON-like, ≤ 64 KiB canonical, stored
 *   normalised (-0 as 0, object keys sorted).
 * - `remove {key}`: the key must be present (a no-op would still cost an op).
 */
export const kvWriter: StateWriter = {
  id: KV_WRITER_ID,
  write(base, call, clientID) {
    let update: Uint8Array | null;
    switch (call.method) {
      case 'set': {
        const args = argsOf(call.args, ['key', 'value'], 'set {key, value}');
        // The layout allows "" (README), but nobody means to write it: it is a form left blank.
        if (args.key === '') throw new KvError('bad-args', 'the key is empty: give it a name, like "greeting"');
        update = draftUpdate(base, clientID, (draft) => draft.set(args.key as string, args.value));
        break;
      }
      case 'remove': {
        const args = argsOf(call.args, ['key'], 'remove {key}');
        update = draftUpdate(base, clientID, (draft) => {
          const key = args.key as string;
          if (!draft.has(key)) throw new KvError('no-such-key', `there is no key ${JSON.stringify(String(key).slice(0, 80))} to remove`);
          draft.remove(key);
        });
        break;
      }
      default:
        throw new KvError('unknown-method', `the kv writer has no method ${JSON.stringify(call.method)}; use "set" or "remove"`);
    }
    if (update === null) throw new KvError('no-change', `kv ${call.method} changed nothing`);
    return update;
  },
};

/** The state as sorted entries (UTF-8 key order), values as fresh copies the caller may keep. */
export function readKv(doc: Y.Doc): StateEntry[] {
  return readStateEntries(doc).map((e) => [e.key, decodeValue(e.value)] as const);
}

function argsOf(args: unknown, fields: readonly string[], usage: string): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new KvError('bad-args', `arguments must be an object: ${usage}`);
  }
  const record = args as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!fields.includes(name)) throw new KvError('bad-args', `unexpected argument "${name}": ${usage}`);
  }
  for (const name of fields) {
    if (!Object.hasOwn(record, name)) throw new KvError('bad-args', `missing argument "${name}": ${usage}`);
  }
  return record;
}
