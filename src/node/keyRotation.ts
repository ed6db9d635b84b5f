import {
  KEY_ROTATION,
  checkCadence,
  deviceHygiene,
  isRotationDue,
  nextCheckDelay,
  rotationDueAt,
  storedCadence,
  type CadenceDays,
  type DeviceHygieneReport,
  type RootKind,
} from '../core/identity/index.ts';
import { toBase58 } from '../core/codec/index.ts';
import type { Scheduler } from '../core/mesh/Scheduler.ts';
import type { KeyStore, SettingsStore } from '../core/store/index.ts';
import { KeyAlreadyRotatedError, type DevicesService } from './devices.ts';
import type { IdentityService, Platform } from './identityService.ts';

/** Where the cadence is kept, apart from the network settings (its own form, its own checks). */
const SETTING_KEY = 'key-rotation';

/** What happened at one look at the device key. */
export type RotationCheck =
  | { outcome: 'rotated'; oldKey: string; newKey: string }
  /** Nobody is signed in, the cadence is off, or the key is younger than the cadence. */
  | { outcome: 'not-due' }
  /** The root is a wallet: it must sign the new key, so the person confirms (never a silent prompt). */
  | { outcome: 'needs-wallet' }
  /** Another tab of this profile rotated it first. */
  | { outcome: 'another-tab' }
  | { outcome: 'failed'; message: string };

export interface RotationStatus {
  cadenceDays: CadenceDays;
  /** base58 of this device's current key */
  key: string;
  /** When this device's current key was made. */
  keyCreatedAt: number;
  /** The time this status is for. */
  now: number;
  /** When it is due for rotation (none with the cadence off). */
  dueAt?: number;
  due: boolean;
  /** Local roots rotate by themselves; wallet roots wait for the person (`due` says when). */
  automatic: boolean;
  rootKind?: RootKind;
  /** The last automatic attempt in this tab that did something (or failed), with when. */
  last?: RotationCheck & { at: number };
}

/**
 * Rotation on a cadence: on start and then at least hourly (and at the due time), this
 * device's key is replaced once it is older than the cadence. Local roots sign the new
 * delegation themselves; a wallet root's rotation is only reported as due. Two tabs of one
 * profile may both look: the store's compare-and-set lets one of them rotate.
 */
export function keyRotationService(d: { store: KeyStore & SettingsStore; platform: Platform; identity: IdentityService; devices: DevicesService; scheduler: Scheduler }) {
  // Each start gets a generation: a check scheduled before a stop never runs after a restart.
  let generation = 0;
  let running = false;
  let checking: Promise<RotationCheck> | undefined;
  let last: RotationStatus['last'];

  async function cadence(): Promise<CadenceDays> {
    return storedCadence(await d.store.setting(SETTING_KEY));
  }

  async function checkOnce(): Promise<RotationCheck> {
    try {
      const [root, key, days] = await Promise.all([d.store.root(), d.identity.device(), cadence()]);
      if (!root || !isRotationDue(key.createdAt, days, d.platform.now())) return { outcome: 'not-due' };
      if (root.kind !== 'local') return { outcome: 'needs-wallet' };
      // Only the key judged due: a tab that looks a moment after another rotated must not rotate the fresh key.
      const { oldKey, newKey } = await d.devices.rotate({ replacing: key.publicKey });
      return { outcome: 'rotated', oldKey, newKey };
    } catch (e) {
      if (e instanceof KeyAlreadyRotatedError) return { outcome: 'another-tab' };
      return { outcome: 'failed', message: (e as Error).message };
    }
  }

  /** Look now, once at a time in this tab; remember what it did. */
  function check(): Promise<RotationCheck> {
    checking ??= checkOnce()
      .then((result) => {
        if (result.outcome !== 'not-due') last = { ...result, at: d.platform.now() };
        return result;
      })
      .finally(() => (checking = undefined));
    return checking;
  }

  async function loop(gen: number): Promise<void> {
    const live = () => running && gen === generation;
    if (!live()) return;
    await check();
    if (!live()) return;
    let delay: number = KEY_ROTATION.checkEveryMs;
    try {
      const [key, days] = await Promise.all([d.identity.device(), cadence()]);
      const now = d.platform.now();
      const dueAt = rotationDueAt(key.createdAt, days);
      // Past due but not rotated (a wallet root, a failure): look again at the usual pace.
      if (dueAt !== undefined && dueAt > now) delay = nextCheckDelay(dueAt, now);
    } catch {
      // The store is closing or failing: the next look says what is wrong.
    }
    d.scheduler.schedule(delay, () => void loop(gen));
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      void loop(++generation);
    },
    stop(): void {
      running = false;
    },

    cadence,

    /** Set the cadence (whole days within the bounds, or null for off); rotates at once if that makes the key due. */
    async setCadence(days: CadenceDays): Promise<RotationStatus> {
      await d.store.putSetting(SETTING_KEY, { days: checkCadence(days) });
      // A look under way may have read the old cadence: look again after it.
      await checking;
      await check();
      return this.status();
    },

    /** Look at the key now (the periodic check does the same). */
    check,

    async status(): Promise<RotationStatus> {
      const [root, key, days] = await Promise.all([d.store.root(), d.identity.device(), cadence()]);
      const dueAt = rotationDueAt(key.createdAt, days);
      const now = d.platform.now();
      return {
        now,
        cadenceDays: days,
        key: toBase58(key.publicKey),
        keyCreatedAt: key.createdAt,
        ...(dueAt !== undefined ? { dueAt } : {}),
        due: Boolean(root) && isRotationDue(key.createdAt, days, now),
        automatic: root?.kind === 'local',
        ...(root ? { rootKind: root.kind } : {}),
        ...(last ? { last } : {}),
      };
    },

    /** This root's devices that expire soon or are stale (for the dashboard). */
    async hygiene(options: { withinDays?: number } = {}): Promise<DeviceHygieneReport> {
      const [devices, days] = await Promise.all([d.devices.list(), cadence()]);
      return deviceHygiene(devices, { now: d.platform.now(), cadenceDays: days, ...options });
    },
  };
}

export type KeyRotationService = ReturnType<typeof keyRotationService>;
