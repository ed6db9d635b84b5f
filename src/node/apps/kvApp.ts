import { kvWriter, readKv, stateMap, KvError } from '../../core/state/index.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { AppCallError, type ContextApp, type MethodInfo } from './contextApp.ts';

/** The app id of the built-in key/value app (WASM apps' ids are the SHA-256 of their bytes). */
export const KV_APP_ID = sha256(new TextEncoder().encode('tabnode/builtin-app/kv/v1'));

const METHODS: MethodInfo[] = [
  { name: 'set', kind: 'mutation', args: { key: 'string', value: 'json' } },
  { name: 'remove', kind: 'mutation', args: { key: 'string' } },
  { name: 'get', kind: 'view', args: { key: 'string' } },
  { name: 'entries', kind: 'view', args: {} },
];

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** The built-in key/value app: the kv writer for mutations, direct reads for views. */
export function kvApp(): ContextApp {
  return {
    writer: kvWriter.id,
    methods: () => METHODS,
    async call(method, input, ctx) {
      let args: unknown;
      try {
        args = input.length ? JSON.parse(new TextDecoder().decode(input)) : {};
      } catch {
        throw new AppCallError('bad-input', 'the input is not JSON');
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new AppCallError('bad-input', 'the input is a JSON object, like {"key": "…"}');
      const done = (output: unknown, update: Uint8Array | null = null) => ({ output: json(output), update, events: [], privateWrites: [], logs: [] });
      switch (method) {
        case 'get': {
          const key = (args as { key?: unknown }).key;
          if (typeof key !== 'string') throw new AppCallError('bad-input', 'get needs {"key": "…"}');
          return done(stateMap(ctx.doc).get(key) ?? null);
        }
        case 'entries':
          return done(Object.fromEntries(readKv(ctx.doc)));
        case 'set':
        case 'remove':
          try {
            return done(null, kvWriter.write(ctx.doc, { method, args }, ctx.clientID));
          } catch (e) {
            if (e instanceof KvError) throw new AppCallError(e.code, e.message);
            throw e;
          }
        default:
          throw new AppCallError('unknown-method', `the key/value app has no method "${method}"; it has ${METHODS.map((m) => m.name).join(', ')}`);
      }
    },
    stateChanged() {},
    setPrivate() {},
    close() {},
  };
}
