import { withLimits } from '../../src/runtime/limits.ts';
import { parseManifest } from '../../src/runtime/manifest.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import type { AppManifest } from '../../src/runtime/types.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

const limits = withLimits();
/** The module's exported functions and their parameter counts, as loadApp passes them. */
const EXPORTED = new Map([
  ['get', 0],
  ['set', 0],
  ['remove', 0],
  ['entries', 0],
  ['takesTwo', 2],
  ['__proto__', 0],
]);

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** What an app's `__tabnode_methods` returns: JSON written by a module someone else built. */
export const appManifestTarget: FuzzTarget<AppManifest> = {
  name: 'app-manifest',
  decoder: 'parseManifest (src/runtime/manifest.ts)',
  async seeds() {
    return [
      json({ abi: 1, methods: [] }),
      json({
        abi: 1,
        methods: [
          { name: 'get', kind: 'view', args: { key: 'string' } },
          { name: 'set', kind: 'mutation', args: { key: 'string', value: 'json', ttl: 'integer?', flag: 'boolean?' } },
          { name: 'entries', kind: 'view', args: { from: 'number?', tags: 'array?', filter: 'object?' } },
        ],
      }),
      new TextEncoder().encode(' {"methods":[{"args":{},"kind":"mutation","name":"remove"}],"abi":1}\n'),
    ];
  },
  maxInputBytes: 4 * 1024,
  dictionary: tokens('"abi"', '"methods"', '"name"', '"kind"', '"args"', '"view"', '"mutation"', '"__proto__"', '"constructor"', '"takesTwo"', '"json?"', 'null', '[]', '{}', '1e999', '-0', '"\\ud800"', '"toString"'),
  decode: (input) => parseManifest(input, EXPORTED, limits),
  isRefusal: (error) => error instanceof RuntimeError,
  check(manifest) {
    if (manifest.methods.length > limits.methods) return 'more methods than the limit';
    return undefined;
  },
};
