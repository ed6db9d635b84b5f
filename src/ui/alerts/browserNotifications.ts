import type { AlertRecord } from '../../core/alerts/index.ts';

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
 * Show one notification per alert in `ids` (those this tab claimed): the browser merges
 * same-tag ones, and a click brings the alert centre up.
 */
export function showAlertNotifications(alerts: readonly AlertRecord[], ids: readonly string[], openAlertCentre: () => void): void {
  if (notificationAccess() !== 'granted') return;
  for (const a of alerts.filter((x) => ids.includes(x.id))) {
    const title = `Tabnode: ${a.severity === 'critical' ? 'critical alert' : 'alert'}${a.contextName ? ` in ${a.contextName}` : ''}`;
    const shown = new Notification(title, { body: a.message, tag: a.id });
    shown.onclick = () => {
      window.focus();
      openAlertCentre();
    };
  }
}
