import { afterEach, describe, expect, test, vi } from 'vitest';
import { recordObservations, type AlertObservation } from '../../core/alerts/index.ts';
import { dueForNotification, MAX_NOTIFICATIONS_AT_ONCE, showAlertNotifications } from './browserNotifications.ts';

// Node has no Notification: a stand-in records what would be shown (the e2e uses Chromium's own).
const shown: { title: string; body: string; tag: string }[] = [];
class RecordedNotification {
  static permission: NotificationPermission = 'granted';
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions) {
    shown.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
  }
}

afterEach(() => {
  shown.length = 0;
  vi.unstubAllGlobals();
});

const observations: AlertObservation[] = Array.from({ length: 5 }, (_, i) => ({ id: `a${i}`, kind: 'unauthorized', contextName: 'Design team', message: `refused #${i}`, source: `s${i}`, at: i }));
observations.push({ id: 'clock', kind: 'clock', contextName: 'Design team', message: 'clock', source: 'c', at: 9 });
const alerts = recordObservations([], observations)!;

describe('browser notifications for alerts', () => {
  test('due: open warnings and critical alerts not yet notified (never info)', () => {
    expect(dueForNotification(alerts)).toEqual(['a4', 'a3', 'a2', 'a1', 'a0']);
    expect(dueForNotification(alerts.map((a) => (a.id === 'a4' ? { ...a, acknowledged: true } : a.id === 'a3' ? { ...a, notified: true } : a)))).toEqual(['a2', 'a1', 'a0']);
  });

  test(`at most ${MAX_NOTIFICATIONS_AT_ONCE} one by one, the rest summed up in one; none without permission`, () => {
    vi.stubGlobal('Notification', RecordedNotification);
    showAlertNotifications(alerts, dueForNotification(alerts), () => {});
    expect(shown.map((s) => s.tag)).toEqual(['a4', 'a3', 'a2', 'tabnode-more-alerts']);
    expect(shown[0]).toEqual({ title: 'Tabnode: alert in Design team', body: 'refused #4', tag: 'a4' });
    expect(shown[3]!.body).toBe('2 more alerts in the alert centre.');
    shown.length = 0;
    RecordedNotification.permission = 'denied';
    showAlertNotifications(alerts, ['a1'], () => {});
    expect(shown).toEqual([]);
  });
});
