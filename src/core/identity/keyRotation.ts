/**
 * When this device's key is due for rotation: a cadence in whole days (or none), and the
 * key's age. Pure: the node brings the clock and the stored setting.
 */

export const DAY_MS = 86_400_000;

export const KEY_ROTATION = {
  /** Rotate every 30 days unless the person chooses otherwise. */
  defaultDays: 30,
  minDays: 1,
  /** A delegation lives at most 400 days: a longer cadence would never be reached. */
  maxDays: 365,
  /**
   * The longest wait between two checks: a timer cannot wait past 2^31 ms (about 24 days),
   * and a sleeping laptop misses timers, so due dates are looked at again at least hourly.
   */
  checkEveryMs: 3_600_000,
} as const;

/** Days between rotations, or null for never. */
export type CadenceDays = number | null;

/** A cadence outside the bounds, or not a whole number of days. */
export class RotationCadenceError extends Error {
  override readonly name = 'RotationCadenceError';
  constructor(given: unknown) {
    super(
      `the rotation cadence must be a whole number of days from ${KEY_ROTATION.minDays} to ${KEY_ROTATION.maxDays}, or off; got ${JSON.stringify(given)?.slice(0, 40)}`,
    );
  }
}

/** The cadence as given, checked against the bounds; throws RotationCadenceError. */
export function checkCadence(days: unknown): CadenceDays {
  if (days === null) return null;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < KEY_ROTATION.minDays || days > KEY_ROTATION.maxDays) {
    throw new RotationCadenceError(days);
  }
  return days;
}

/** A stored cadence, read leniently: anything unreadable (an older version, a bad write) is the default. */
export function storedCadence(stored: unknown): CadenceDays {
  if (!stored || typeof stored !== 'object' || !('days' in stored)) return KEY_ROTATION.defaultDays;
  try {
    return checkCadence(stored.days);
  } catch {
    return KEY_ROTATION.defaultDays;
  }
}

/** When a key created at `keyCreatedAt` is due for rotation (undefined: never). */
export function rotationDueAt(keyCreatedAt: number, cadence: CadenceDays): number | undefined {
  return cadence === null ? undefined : keyCreatedAt + cadence * DAY_MS;
}

export function isRotationDue(keyCreatedAt: number, cadence: CadenceDays, now: number): boolean {
  const dueAt = rotationDueAt(keyCreatedAt, cadence);
  return dueAt !== undefined && now >= dueAt;
}

/** How long to wait before looking again: until the due date, but never longer than `checkEveryMs`. */
export function nextCheckDelay(dueAt: number | undefined, now: number): number {
  if (dueAt === undefined) return KEY_ROTATION.checkEveryMs;
  return Math.min(KEY_ROTATION.checkEveryMs, Math.max(0, dueAt - now));
}
