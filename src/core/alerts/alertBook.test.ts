import { describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memoryStore.ts';
import type { AlertObservation } from './alert.ts';
import { acknowledgeAlerts, keepNewest, markNotified, MAX_ALERT_MESSAGE, MAX_ALERTS_KEPT, MAX_SOURCES_PER_ALERT, recordObservations, unacknowledged } from './alertBook.ts';

const refused = (source: string, at: number, who = 'bob'): AlertObservation => ({
  id: `unauthorized|ctx|${who}|insufficient-role`,
  kind: 'unauthorized',
  context: 'ctx',
  contextName: 'Design team',
  message: `${who} tried to write, but readers may not`,
  source,
  at,
});

describe('the alert model', () => {
  test('repeats of one problem count on one alert; an occurrence reported again counts once', () => {
    const first = recordObservations([], [refused('op1', 10), refused('op1', 10), refused('op2', 20)])!;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ count: 2, firstSeen: 10, lastSeen: 20, severity: 'warning', acknowledged: false, contextName: 'Design team' });
    expect(recordObservations(first, [refused('op2', 30)])).toBeUndefined();
  });

  test('different subjects make different alerts, newest first', () => {
    const alerts = recordObservations([], [refused('op1', 10, 'bob'), refused('op2', 20, 'carol')])!;
    expect(alerts.map((a) => a.message)).toEqual(['carol tried to write, but readers may not', 'bob tried to write, but readers may not']);
  });

  test('acknowledging one or all; a new occurrence opens an acknowledged alert again, an old one does not', () => {
    const alerts = recordObservations([], [refused('op1', 10, 'bob'), refused('op2', 20, 'carol')])!;
    const bobId = alerts.find((a) => a.message.startsWith('bob'))!.id;
    const one = acknowledgeAlerts(alerts, [bobId])!;
    expect(unacknowledged(one).map((a) => a.id)).toEqual([alerts.find((a) => a.message.startsWith('carol'))!.id]);
    const all = acknowledgeAlerts(one, 'all')!;
    expect(unacknowledged(all)).toEqual([]);
    expect(acknowledgeAlerts(all, 'all')).toBeUndefined();
    expect(recordObservations(all, [refused('op1', 10, 'bob')])).toBeUndefined();
    const reopened = recordObservations(all, [refused('op3', 40, 'bob')])!;
    expect(reopened.find((a) => a.id === bobId)).toMatchObject({ acknowledged: false, notified: false, count: 2, lastSeen: 40 });
  });

  test('a notification is due once per opening', () => {
    const alerts = recordObservations([], [refused('op1', 10)])!;
    const once = markNotified(alerts, [alerts[0]!.id]);
    expect(once.newly).toEqual([alerts[0]!.id]);
    expect(markNotified(once.alerts, [alerts[0]!.id]).newly).toEqual([]);
    const reopened = recordObservations(once.alerts, [refused('op2', 20)])!;
    expect(markNotified(reopened, [alerts[0]!.id]).newly).toEqual([alerts[0]!.id]);
  });

  test('every bound holds: alerts kept, sources remembered, message length', () => {
    const many = Array.from({ length: MAX_ALERTS_KEPT + 5 }, (_, i) => refused(`op${i}`, i, `m${i}`));
    const kept = recordObservations([], many)!;
    expect(kept).toHaveLength(MAX_ALERTS_KEPT);
    expect(kept.at(-1)?.firstSeen).toBe(5);
    const repeats = Array.from({ length: MAX_SOURCES_PER_ALERT + 10 }, (_, i) => refused(`op${i}`, i));
    const one = recordObservations([], repeats)![0]!;
    expect(one.count).toBe(MAX_SOURCES_PER_ALERT + 10);
    expect(one.sources).toHaveLength(MAX_SOURCES_PER_ALERT);
    const long = recordObservations([], [{ ...refused('x', 1), message: 'y'.repeat(5000) }])!;
    expect(long[0]!.message).toHaveLength(MAX_ALERT_MESSAGE);
    // The technical detail is kept beside the words, bounded the same, and follows the latest occurrence.
    const detailed = recordObservations([], [{ ...refused('x', 1), detail: 'z'.repeat(5000) }])!;
    expect(detailed[0]!.detail).toHaveLength(MAX_ALERT_MESSAGE);
    expect(recordObservations(detailed, [{ ...refused('x2', 2), detail: 'newer' }])![0]!.detail).toBe('newer');
    expect(recordObservations(detailed, [refused('x3', 3)])![0]!.detail).toBeUndefined();
    expect(keepNewest(kept, 3).map((a) => a.lastSeen)).toEqual([MAX_ALERTS_KEPT + 4, MAX_ALERTS_KEPT + 3, MAX_ALERTS_KEPT + 2]);
  });

  test('an observation may raise its severity (an expired delegation is critical)', () => {
    const [a] = recordObservations([], [{ id: 'delegation-expiring|k', kind: 'delegation-expiring', message: 'expired', source: 'k@1', at: 1, severity: 'critical' }])!;
    expect(a!.severity).toBe('critical');
    expect(a!.context).toBeUndefined();
  });

  test('alerts survive a round trip through a store, acknowledged ones too', async () => {
    const store = memoryStore();
    await store.updateAlerts((current) => recordObservations(current, [refused('op1', 10), refused('op2', 20, 'carol')]));
    await store.updateAlerts((current) => acknowledgeAlerts(current, 'all'));
    const back = await store.alerts();
    expect(back.map((a) => [a.message, a.acknowledged, a.count])).toEqual([
      ['carol tried to write, but readers may not', true, 1],
      ['bob tried to write, but readers may not', true, 1],
    ]);
    expect(await store.updateAlerts((current) => recordObservations(current, [refused('op1', 10)]))).toEqual(back);
  });
});
