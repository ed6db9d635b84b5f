import { DAY_MS, isRotationDue, type CadenceDays } from './keyRotation.ts';

/** What the selector needs to know of one device (client key) of a root. */
export interface HygieneDevice {
  /** base58 of the client key */
  key: string;
  label: string;
  thisDevice: boolean;
  revoked: boolean;
  /** The first delegation of this key known here: the key is at least this old. */
  keySince: number;
  expiresAt: number;
  /** The newest op it signed, or now if it is connected as a peer; none if never seen. */
  lastSeen?: number;
}

/** Why a device needs attention. */
export type HygieneReason =
  /** Its delegation ends within the warning period. */
  | 'expiring'
  /** Its delegation has ended and it was never revoked. */
  | 'expired'
  /** Its key is older than the rotation cadence. */
  | 'key-old'
  /** Nothing signed by it, nor a connection from it, for longer than the stale period. */
  | 'not-seen';

export interface HygieneEntry {
  key: string;
  label: string;
  thisDevice: boolean;
  expiresAt: number;
  /** Whole days left on its delegation (negative once ended). */
  daysLeft: number;
  keySince: number;
  lastSeen?: number;
  reasons: HygieneReason[];
}

export interface DeviceHygieneReport {
  /** Delegations ending within `withinDays`, soonest first. */
  expiring: HygieneEntry[];
  /** Expired, unseen, or keyed longer ago than the cadence, oldest key first. */
  stale: HygieneEntry[];
  withinDays: number;
  staleAfterDays: number;
  cadenceDays: CadenceDays;
  /** The time the report is for. */
  now: number;
}

export const DEVICE_HYGIENE = {
  /** Warn about a delegation this many days before it ends. */
  withinDays: 14,
  /** The longest warning period one may ask for. */
  maxWithinDays: 365,
  /** With no rotation cadence, a device unseen this long is stale. */
  staleAfterDays: 30,
  /** At most this many devices in each list (the most urgent). */
  maxEntries: 100,
} as const;

export interface HygieneOptions {
  now: number;
  cadenceDays: CadenceDays;
  withinDays?: number;
  /** Default: the cadence, or `DEVICE_HYGIENE.staleAfterDays` without one. */
  staleAfterDays?: number;
}

/**
 * Which of a root's devices expire soon and which are stale. Revoked devices are done
 * with and left out. This device is never "not seen" (it is here), but its key ages.
 */
export function deviceHygiene(devices: readonly HygieneDevice[], options: HygieneOptions): DeviceHygieneReport {
  const { now, cadenceDays } = options;
  const withinDays = Math.min(DEVICE_HYGIENE.maxWithinDays, Math.max(1, Math.round(options.withinDays ?? DEVICE_HYGIENE.withinDays)));
  const staleAfterDays = options.staleAfterDays ?? cadenceDays ?? DEVICE_HYGIENE.staleAfterDays;
  const entries = devices
    .filter((d) => !d.revoked)
    .map((d): HygieneEntry => {
      const reasons: HygieneReason[] = [];
      if (d.expiresAt <= now) reasons.push('expired');
      else if (d.expiresAt - now <= withinDays * DAY_MS) reasons.push('expiring');
      if (isRotationDue(d.keySince, cadenceDays, now)) reasons.push('key-old');
      if (!d.thisDevice && now - (d.lastSeen ?? d.keySince) > staleAfterDays * DAY_MS) reasons.push('not-seen');
      return {
        key: d.key,
        label: d.label,
        thisDevice: d.thisDevice,
        expiresAt: d.expiresAt,
        daysLeft: Math.ceil((d.expiresAt - now) / DAY_MS),
        keySince: d.keySince,
        ...(d.lastSeen !== undefined ? { lastSeen: d.lastSeen } : {}),
        reasons,
      };
    });
  const expiring = entries.filter((e) => e.reasons.includes('expiring')).sort((a, b) => a.expiresAt - b.expiresAt);
  const stale = entries.filter((e) => e.reasons.some((r) => r !== 'expiring')).sort((a, b) => a.keySince - b.keySince);
  return {
    expiring: expiring.slice(0, DEVICE_HYGIENE.maxEntries),
    stale: stale.slice(0, DEVICE_HYGIENE.maxEntries),
    withinDays,
    staleAfterDays,
    cadenceDays,
    now,
  };
}
