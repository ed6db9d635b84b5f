import { sha256, toHex } from '../../core/crypto/index.ts';
import type { AppStore } from '../../core/store/index.ts';
import { KV_APP_ID } from './kvApp.ts';

/** Apps offered when creating a context. WASM ones ship with the app under /apps/. */
export const BUILTIN_APPS = [
  { name: 'Key/value (built-in)', file: null, description: 'Set and remove JSON values under keys. No WASM.' },
  { name: 'kv-store', file: 'kv-store.wasm', description: 'The same, as a WASM app (AssemblyScript).' },
  { name: 'team-board', file: 'team-board.wasm', description: 'Tasks with creators and assignees, private notes, hashed events.' },
] as const;

export const APP_LIMITS = { wasmBytes: 2 * 1024 * 1024 } as const;

export class AppInstallError extends Error {
  override readonly name = 'AppInstallError';
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Application binaries by hash: built-ins fetched from this origin, uploads, peers' copies. */
export function appRegistry(store: AppStore, origin: string) {
  return {
    builtins: () => BUILTIN_APPS.map((a) => ({ ...a })),

    /** Store a WASM binary; its id is the SHA-256 of its bytes. */
    async install(bytes: Uint8Array): Promise<string> {
      if (bytes.length > APP_LIMITS.wasmBytes) throw new AppInstallError(`the module is ${bytes.length} bytes; the limit is ${APP_LIMITS.wasmBytes}`);
      if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) throw new AppInstallError('this is not a WebAssembly module (no \\0asm header)');
      const hash = toHex(sha256(bytes));
      await store.putApp(hash, bytes);
      return hash;
    },

    /** The app id of a built-in (installing its binary if it is a WASM one). */
    async builtinId(name: string): Promise<string> {
      const app = BUILTIN_APPS.find((a) => a.name === name);
      if (!app) throw new AppInstallError(`no built-in app named "${name}"`);
      if (!app.file) return toHex(KV_APP_ID);
      const response = await fetch(new URL(`/apps/${app.file}`, origin));
      if (!response.ok) throw new AppInstallError(`could not load /apps/${app.file} (${response.status})`);
      return this.install(new Uint8Array(await response.arrayBuffer()));
    },

    get: (hash: string) => store.app(hash),
  };
}

export type AppRegistry = ReturnType<typeof appRegistry>;
