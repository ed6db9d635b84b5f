import type { AlertRecord } from '../../core/alerts/index.ts';

/** Notifications shown one by one at most at once; more are summed up in one (after a long time away). */
export const MAX_NOTIFICATIONS_AT_ONCE = 3;

/** What a browser notification is shown for: open alerts that matter, not yet notified. */
export function dueForNotification(alerts: readonly AlertRecord[]): string[] {
  return alerts.filter((a) => !a.acknowledged && !a.notified && a.severity !== 'info').map((a) => a.id);
}

export type NotificationAccess = NotificationPermission | 'unsupported';

export function notificationAccess(): NotificationAccess {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Ask the browser (it shows its own prompt; only from a click). */
export async function askForNotifications(): Promise<NotificationAccess> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Show a notification for each alert in `ids` (those this tab claimed), the newest
 * MAX_NOTIFICATIONS_AT_ONCE of them one by one and the rest as one; the browser merges
 * same-tag ones, and a click brings the alert centre up.
 */
export function showAlertNotifications(alerts: readonly AlertRecord[], ids: readonly string[], openAlertCentre: () => void): void {
  if (notificationAccess() !== 'granted') return;
  const claimed = alerts.filter((x) => ids.includes(x.id));
  const show = (title: string, body: string, tag: string) => {
    const shown = new Notification(title, { body, tag });
    shown.onclick = () => {
      window.focus();
      openAlertCentre();
    };
  };
  for (const a of claimed.slice(0, MAX_NOTIFICATIONS_AT_ONCE)) {
    show(`Tabnode: ${a.severity === 'critical' ? 'critical alert' : 'alert'}${a.contextName ? ` in ${a.contextName}` : ''}`, a.message, a.id);
  }
  const rest = claimed.length - MAX_NOTIFICATIONS_AT_ONCE;
  if (rest > 0) show('Tabnode: more alerts', `${rest} more alert${rest === 1 ? '' : 's'} in the alert centre.`, 'tabnode-more-alerts');
}
