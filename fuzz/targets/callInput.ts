import { withLimits } from '../../src/runtime/limits.ts';
import { checkInput } from '../../src/runtime/manifest.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import type { MethodSpec } from '../../src/runtime/types.ts';
import { bytesEqual } from '../../src/core/crypto/index.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

const limits = withLimits();
/** One method with an argument of every type, required and optional. */
const METHOD: MethodSpec = {
  name: 'set',
  kind: 'mutation',
  args: { key: 'string', value: 'json', n: 'integer?', x: 'number?', flag: 'boolean?', list: 'array?', obj: 'object?' },
};

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A call's JSON input: typed by a person, or recorded in a peer's op for re-execution. */
export const callInputTarget: FuzzTarget<Uint8Array> = {
  name: 'call-input',
  decoder: 'checkInput (src/runtime/manifest.ts)',
  async seeds() {
    return [
      json({ key: 'a', value: null }),
      json({ key: 'ünïcode', value: { deep: [1, { x: 'y' }] }, n: 9007199254740991, x: -1.5e-7, flag: true, list: [], obj: {} }),
      new TextEncoder().encode('{ "value" : [1,2,3] , "key" : "k" }'),
    ];
  },
  maxInputBytes: 4 * 1024,
  dictionary: tokens('"key"', '"value"', '"n"', '"x"', '"flag"', '"list"', '"obj"', '"__proto__"', '"constructor"', 'null', 'true', '1e308', '9007199254740993', '[]', '{}', '"\\u0000"'),
  decode: (input) => checkInput(METHOD, input, limits),
  isRefusal: (error) => error instanceof RuntimeError,
  check(bytes, input) {
    // The module reads exactly what was given (or {} for nothing).
    return input.length === 0 || bytesEqual(bytes, input) ? undefined : 'the checked input differs from the given bytes';
  },
};
