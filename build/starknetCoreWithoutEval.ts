// get-starknet-core bundles a module-federation runtime (for MetaMask's remote Starknet
// snap, which we never load) that finds the global object with `new Function("return this")`
// when the module is evaluated. The served policy forbids eval, so every wallet login
// would report a violation (the library then falls back to globalThis). This build step
// gives it globalThis directly; the remote loaders behind it stay unreachable and blocked.
import type { Plugin } from 'vite';

const MODULE = /[\\/]@starknet-io[\\/]get-starknet-core[\\/]dist[\\/]core\.js$/;
const GLOBAL_BY_EVAL = 'new Function("return this")()';

export class StarknetCorePatchError extends Error {
  override name = 'StarknetCorePatchError';
}

export function starknetCoreWithoutEval(): Plugin {
  return {
    name: 'tabnode:starknet-core-without-eval',
    transform(code, id) {
      if (!MODULE.test(id)) return null;
      if (!code.includes(GLOBAL_BY_EVAL)) {
        throw new StarknetCorePatchError(
          `${id} no longer contains ${GLOBAL_BY_EVAL}: get-starknet-core changed; check whether it still evaluates code at load (the CSP forbids it) and update build/starknetCoreWithoutEval.ts`,
        );
      }
      return { code: code.replaceAll(GLOBAL_BY_EVAL, 'globalThis'), map: null };
    },
  };
}
