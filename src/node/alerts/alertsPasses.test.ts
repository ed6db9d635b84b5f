import { describe, expect, test } from 'vitest';
import { simScheduler } from '../../core/mesh/simScheduler.ts';
import { memoryStore } from '../../core/store/index.ts';
import { until } from '../testing.ts';
import { alertsService, MIN_PASS_GAP_MS, RECHECK_EVERY_MS } from './alertsService.ts';

const DAY = 86_400_000;

/** The service's passes on a simulated clock: coalesced under a burst of changes, and repeated by themselves. */
function world(expiry: number) {
  const scheduler = simScheduler(1_000 * DAY);
  const listeners = new Set<() => void>();
  let passes = 0;
  const service = alertsService({
    store: memoryStore(),
    async openViews() {
      passes++;
      return [];
    },
    onContextsChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    signer: async () => ({ key: 'device-key', expiry }),
    now: scheduler.now,
    scheduler,
  });
  return { scheduler, service, changed: () => listeners.forEach((l) => l()), passes: () => passes };
}

/** Wait for `check`, letting simulated time run on (gaps between passes are scheduled). */
const settle = <T>(w: ReturnType<typeof world>, what: string, check: () => Promise<T | undefined | false>) =>
  until(what, async () => {
    w.scheduler.advance(MIN_PASS_GAP_MS);
    return check();
  });

describe('alert passes', () => {
  test('a burst of context changes during a pass makes one more pass, not one each', async () => {
    const w = world(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 50; i++) w.changed();
    let done = false;
    void w.service.refresh().then(() => (done = true));
    await settle(w, 'the passes are over', async () => done);
    expect(w.passes()).toBe(2);
    w.service.stop();
  });

  test('with no context changing, a delegation nearing its end is still noticed', async () => {
    const start = 1_000 * DAY;
    const w = world(start + 15 * DAY);
    await settle(w, 'the first pass', async () => w.passes() >= 1);
    expect(await w.service.list()).toEqual([]);
    for (let h = 0; h < 25; h++) w.scheduler.advance(RECHECK_EVERY_MS);
    const [alert] = await settle(w, 'the delegation alert', async () => {
      const list = await w.service.list();
      return list.length ? list : undefined;
    });
    expect(alert).toMatchObject({ kind: 'delegation-expiring', severity: 'warning' });
    expect(alert!.message).toMatch(/ends in 14 days/);
    w.service.stop();
  });
});
