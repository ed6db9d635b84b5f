import { useEffect } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { navigate } from '../shell/router.ts';
import { dueForNotification, notificationAccess, showAlertNotifications } from './browserNotifications.ts';
import { useAlerts } from './useAlerts.ts';

/**
 * Shows a browser notification for each new open warning or critical alert, once (claimed
 * through the node, so two tabs of a profile do not both notify), when the browser allows.
 * Renders nothing.
 */
export function AlertNotifier() {
  const node = useNode();
  const { alerts } = useAlerts();
  useEffect(() => {
    if (!alerts || notificationAccess() !== 'granted') return;
    const due = dueForNotification(alerts);
    if (!due.length) return;
    void node.alerts.claimNotifications(due).then((claimed) => showAlertNotifications(alerts, claimed, () => navigate({ page: 'alerts' })));
  }, [alerts, node]);
  return null;
}
