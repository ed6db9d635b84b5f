import { afterEach, describe, expect, test, vi } from 'vitest';
import { STATE_LIMITS, checkKey } from './layout.ts';

afterEach(() => vi.restoreAllMocks());

const problem = (key: unknown) => {
  try {
    checkKey(key);
    return 'ok';
  } catch (error) {
    return (error as { problem: string }).problem;
  }
};

describe('checkKey', () => {
  test('the key limit is in UTF-8 bytes, also near it', () => {
    expect(STATE_LIMITS.keyBytes).toBe(256);
    expect(problem('k'.repeat(256))).toBe('ok');
    expect(problem('k'.repeat(257))).toBe('key-too-long');
    expect(problem('€'.repeat(85))).toBe('ok'); // 255 bytes
    expect(problem('€'.repeat(86))).toBe('key-too-long'); // 258 bytes in 86 units
    expect(problem('😀'.repeat(64))).toBe('ok'); // 256 bytes in 128 units
    expect(problem('😀'.repeat(64) + 'k')).toBe('key-too-long');
    expect(problem('\ud800')).toBe('bad-key');
    expect(problem(7)).toBe('bad-key');
  });

  test('a key short enough to fit in any encoding is not encoded to be measured', () => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    checkKey('a missing key');
    checkKey('€'.repeat(85));
    expect(encode).not.toHaveBeenCalled();
    checkKey('k'.repeat(200));
    expect(encode).toHaveBeenCalledTimes(1);
  });
});
