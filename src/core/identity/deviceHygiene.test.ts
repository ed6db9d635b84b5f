import { describe, expect, test } from 'vitest';
import { DEVICE_HYGIENE, deviceHygiene, type HygieneDevice } from './deviceHygiene.ts';
import { DAY_MS } from './keyRotation.ts';

const NOW = Date.UTC(2026, 11, 7);
const daysAgo = (n: number) => NOW - n * DAY_MS;
const inDays = (n: number) => NOW + n * DAY_MS;

function device(key: string, over: Partial<HygieneDevice> = {}): HygieneDevice {
  return { key, label: key, thisDevice: false, revoked: false, keySince: daysAgo(1), expiresAt: inDays(80), lastSeen: daysAgo(0), ...over };
}

describe('device hygiene', () => {
  test('delegations ending within the window are expiring, soonest first; ended ones are stale as expired', () => {
    const r = deviceHygiene(
      [device('later', { expiresAt: inDays(13) }), device('soon', { expiresAt: inDays(2) }), device('fine', { expiresAt: inDays(15) }), device('ended', { expiresAt: daysAgo(1) })],
      { now: NOW, cadenceDays: 30 },
    );
    expect(r.expiring.map((e) => e.key)).toEqual(['soon', 'later']);
    expect(r.expiring[0]).toMatchObject({ daysLeft: 2, reasons: ['expiring'] });
    expect(r.stale.map((e) => [e.key, e.reasons])).toEqual([['ended', ['expired']]]);
  });

  test('a key older than the cadence is stale, this device included; with the cadence off it is not', () => {
    const devices = [device('this', { thisDevice: true, keySince: daysAgo(31), lastSeen: undefined }), device('young', { keySince: daysAgo(29) })];
    expect(deviceHygiene(devices, { now: NOW, cadenceDays: 30 }).stale.map((e) => [e.key, e.reasons])).toEqual([['this', ['key-old']]]);
    expect(deviceHygiene(devices, { now: NOW, cadenceDays: null }).stale).toEqual([]);
  });

  test('a device unseen for longer than the stale window is stale; this device never is', () => {
    const devices = [
      device('quiet', { keySince: daysAgo(20), lastSeen: daysAgo(11) }),
      device('never', { keySince: daysAgo(12), lastSeen: undefined }),
      device('recent', { keySince: daysAgo(20), lastSeen: daysAgo(3) }),
      device('me', { thisDevice: true, keySince: daysAgo(20), lastSeen: undefined }),
    ];
    const r = deviceHygiene(devices, { now: NOW, cadenceDays: 60, staleAfterDays: 10 });
    expect(r.stale.map((e) => [e.key, e.reasons])).toEqual([
      ['quiet', ['not-seen']],
      ['never', ['not-seen']],
    ]);
    // Without a cadence the default window applies.
    expect(deviceHygiene(devices, { now: NOW, cadenceDays: null }).staleAfterDays).toBe(DEVICE_HYGIENE.staleAfterDays);
  });

  test('revoked devices are left out, the lists are bounded, and the window is clamped', () => {
    const many = Array.from({ length: DEVICE_HYGIENE.maxEntries + 5 }, (_, i) => device(`d${i}`, { expiresAt: inDays(1) }));
    const r = deviceHygiene([...many, device('gone', { revoked: true, expiresAt: inDays(1) })], { now: NOW, cadenceDays: 30, withinDays: 10_000 });
    expect(r.expiring).toHaveLength(DEVICE_HYGIENE.maxEntries);
    expect(r.expiring.some((e) => e.key === 'gone')).toBe(false);
    expect(r.withinDays).toBe(DEVICE_HYGIENE.maxWithinDays);
  });
});
