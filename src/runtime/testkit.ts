/**
 * Test support, Node only: build the AssemblyScript modules when they are missing or stale
 * (scripts/build-apps.mjs decides, by hashing their inputs) and read them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as Y from 'yjs';
import { readKv } from '../core/state/kvWriter.ts';
import { createWriteSession } from '../core/state/writeSession.ts';
import { RuntimeError } from './errors.ts';
import { createInlineRuntime } from './inlineRuntime.ts';
import type { RuntimeLimits } from './limits.ts';
import type { CallRequest, CallResult } from './types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let built: Promise<void> | null = null;

/** Run the build once per test process; fast (about 0.2 s) when nothing changed. */
export function ensureAppsBuilt(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, ['scripts/build-apps.mjs'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
    () => undefined,
    (error: Error & { stderr?: string; stdout?: string }) => {
      throw new Error(`scripts/build-apps.mjs failed: ${error.stderr || error.stdout || error.message}`);
    },
  );
  return built;
}

/** A built-in app from public/apps/. */
export function readApp(name: 'kv-store' | 'team-board'): Uint8Array {
  return new Uint8Array(readFileSync(`${root}public/apps/${name}.wasm`));
}

/** A test module from apps/test/build/. */
export function readTestModule(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${root}apps/test/build/${name}.wasm`));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function parseOutput(output: Uint8Array | null): unknown {
  return output === null ? undefined : JSON.parse(decoder.decode(output));
}

let nextClientId = 1000;

/** A context id for tests. */
export const CONTEXT_ID = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/**
 * A runtime plus the "node side" of a context: the verified doc, a write session choosing
 * client ids, and commit() feeding a mutation's update back as a verified one would be.
 */
export async function harness(wasm: Uint8Array, options: { limits?: Partial<RuntimeLimits>; executor?: string } = {}) {
  const runtime = createInlineRuntime({ limits: options.limits });
  const manifest = await runtime.load(wasm);
  const doc = new Y.Doc();
  // Client ids distinct across harnesses, so their docs can be merged in a test.
  const session = createWriteSession(() => nextClientId++);
  const executor = options.executor ?? 'alice';

  async function call(method: string, input: unknown = {}, over: Partial<CallRequest> = {}): Promise<CallResult> {
    const result = await runtime.call({ method, input: json(input), executor, contextId: CONTEXT_ID, clientID: session.clientIdFor(doc), ...over });
    if (result.update) {
      Y.applyUpdate(doc, result.update);
      await runtime.applyUpdate(result.update);
    }
    return result;
  }

  /** The call's error (fails the test if it succeeds). */
  async function failure(method: string, input: unknown = {}, over: Partial<CallRequest> = {}): Promise<RuntimeError> {
    try {
      await call(method, input, over);
    } catch (error) {
      if (error instanceof RuntimeError) return error;
      throw error;
    }
    throw new Error(`${method} succeeded; expected a RuntimeError`);
  }

  return { runtime, manifest, doc, call, failure, state: () => Object.fromEntries(readKv(doc)) };
}
