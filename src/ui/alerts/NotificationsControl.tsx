import { useState } from 'react';
import { askForNotifications, notificationAccess, type NotificationAccess } from './browserNotifications.ts';

const STATE_TEXT: Record<NotificationAccess, string> = {
  granted: 'Browser notifications are on: new warnings and critical alerts show one each.',
  denied: 'Browser notifications are blocked for this site: allow them in the browser’s site settings to get them.',
  default: 'Get a browser notification for each new warning or critical alert.',
  unsupported: 'This browser cannot show notifications.',
};

/** Whether the browser may notify, and the button that asks it. */
export function NotificationsControl() {
  const [access, setAccess] = useState<NotificationAccess>(notificationAccess);
  return (
    <div className="inline-form" data-testid="notifications">
      <span className="muted">{STATE_TEXT[access]}</span>
      {access === 'default' && (
        <button type="button" className="button small secondary" onClick={() => void askForNotifications().then(setAccess)}>
          Turn on notifications
        </button>
      )}
    </div>
  );
}
