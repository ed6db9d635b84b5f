import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StarknetCorePatchError, starknetCoreWithoutEval } from './starknetCoreWithoutEval.ts';

const ID = '/repo/node_modules/@starknet-io/get-starknet-core/dist/core.js';

function transform(code: string, id: string): { code: string } | null {
  const hook = starknetCoreWithoutEval().transform as (code: string, id: string) => { code: string } | null;
  return hook(code, id);
}

describe('starknetCoreWithoutEval', () => {
  it('hands get-starknet-core the global object without evaluating code', () => {
    // The module the app's build takes (the package's "import" export).
    const installed = readFileSync(fileURLToPath(new URL('../node_modules/@starknet-io/get-starknet-core/dist/core.js', import.meta.url)), 'utf8');
    const patched = transform(installed, ID)!.code;
    expect(patched.includes('new Function("return this")')).toBe(false);
    expect(patched.includes('return globalThis;')).toBe(true);
  });

  it('leaves other modules alone', () => {
    expect(transform('new Function("return this")()', '/repo/src/x.ts')).toBeNull();
  });

  it('stops the build when the library changed under it', () => {
    expect(() => transform('const g = globalThis;', ID)).toThrow(StarknetCorePatchError);
  });
});
