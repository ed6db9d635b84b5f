import { afterEach, describe, expect, test, vi } from 'vitest';
import { RuntimeError } from './errors.ts';
import { withLimits } from './limits.ts';
import { inputChecker } from './manifest.ts';

afterEach(() => vi.restoreAllMocks());

const limits = withLimits();
const bytes = (text: string) => new TextEncoder().encode(text);
const code = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof RuntimeError ? error.code : String(error);
  }
};

describe('inputChecker', () => {
  test('the same input bytes as the last that passed are not parsed again', () => {
    const check = inputChecker({ name: 'get', kind: 'view', args: { key: 'string' } });
    const parse = vi.spyOn(JSON, 'parse');
    check(bytes('{"key":"a"}'), limits);
    check(bytes('{"key":"a"}'), limits); // another buffer, the same bytes
    expect(parse).toHaveBeenCalledTimes(1);
    check(bytes('{"key":"b"}'), limits);
    check(bytes('{"key":"a"}'), limits);
    expect(parse).toHaveBeenCalledTimes(3);
  });

  test('input that failed, or a buffer changed after it passed, is checked again', () => {
    const check = inputChecker({ name: 'get', kind: 'view', args: { key: 'string' } });
    const input = bytes('{"key":"a"}');
    expect(code(() => check(input, limits))).toBe('ok');
    input.set(bytes('{"key":7 }'));
    expect(code(() => check(input, limits))).toBe('bad-input');
    expect(code(() => check(input, limits))).toBe('bad-input');
    expect(code(() => check(bytes('{"key":"a","x":1}'), limits))).toBe('bad-input');
    expect(code(() => check(bytes('{"key":"a"}'), limits))).toBe('ok');
    // The size limit is checked before anything else, whatever passed before.
    expect(code(() => check(bytes('{"key":"a"}'), withLimits({ inputBytes: 4 })))).toBe('bad-input');
  });

  test('each method checks against its own arguments', () => {
    const get = inputChecker({ name: 'get', kind: 'view', args: { key: 'string' } });
    const count = inputChecker({ name: 'count', kind: 'view', args: { key: 'integer' } });
    expect(code(() => get(bytes('{"key":"a"}'), limits))).toBe('ok');
    expect(code(() => count(bytes('{"key":"a"}'), limits))).toBe('bad-input');
    expect(code(() => count(bytes(''), limits))).toBe('bad-input');
    expect(code(() => inputChecker({ name: 'all', kind: 'view', args: { prefix: 'string?' } })(bytes(''), limits))).toBe('ok');
  });
});
