import { describe, expect, test } from 'vitest';
import { DAY_MS, KEY_ROTATION, RotationCadenceError, checkCadence, isRotationDue, nextCheckDelay, rotationDueAt, storedCadence } from './keyRotation.ts';

const T0 = Date.UTC(2026, 11, 1);

describe('rotation cadence', () => {
  test('whole days within the bounds, or off; anything else is refused with the bounds named', () => {
    expect(checkCadence(1)).toBe(1);
    expect(checkCadence(365)).toBe(365);
    expect(checkCadence(null)).toBeNull();
    for (const bad of [0, 366, 1.5, -3, '30', undefined, Number.NaN]) {
      expect(() => checkCadence(bad)).toThrow(RotationCadenceError);
    }
    expect(() => checkCadence(0)).toThrow(/from 1 to 365, or off/);
  });

  test('a stored cadence that cannot be read is the default; off stays off', () => {
    expect(storedCadence(undefined)).toBe(KEY_ROTATION.defaultDays);
    expect(storedCadence({ days: 9999 })).toBe(KEY_ROTATION.defaultDays);
    expect(storedCadence('x')).toBe(KEY_ROTATION.defaultDays);
    expect(storedCadence({ days: null })).toBeNull();
    expect(storedCadence({ days: 7 })).toBe(7);
  });

  test('due once the key is as old as the cadence, not a moment before; off is never due', () => {
    expect(rotationDueAt(T0, 30)).toBe(T0 + 30 * DAY_MS);
    expect(isRotationDue(T0, 30, T0 + 30 * DAY_MS - 1)).toBe(false);
    expect(isRotationDue(T0, 30, T0 + 30 * DAY_MS)).toBe(true);
    expect(rotationDueAt(T0, null)).toBeUndefined();
    expect(isRotationDue(T0, null, T0 + 10_000 * DAY_MS)).toBe(false);
  });

  test('the next look is at the due time, but never more than the check interval away', () => {
    expect(nextCheckDelay(T0 + 60_000, T0)).toBe(60_000);
    expect(nextCheckDelay(T0 + 30 * DAY_MS, T0)).toBe(KEY_ROTATION.checkEveryMs);
    expect(nextCheckDelay(T0 - 5, T0)).toBe(0);
    expect(nextCheckDelay(undefined, T0)).toBe(KEY_ROTATION.checkEveryMs);
  });
});
