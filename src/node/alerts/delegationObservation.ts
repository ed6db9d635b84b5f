import type { AlertObservation } from '../../core/alerts/index.ts';
import { expiryOf } from '../identityService.ts';

/**
 * This device's delegation as an alert observation: none while it has long to run, a
 * warning within the renewal window (identityService's EXPIRY_WARNING_MS), critical once it
 * has ended (the device can no longer sign).
 */
export function delegationObservation(signer: { key: string; expiry: number } | undefined, now: number): AlertObservation | undefined {
  if (!signer) return undefined;
  const { daysLeft, expiringSoon } = expiryOf(signer.expiry, now);
  const ended = signer.expiry <= now;
  if (!expiringSoon && !ended) return undefined;
  const day = new Date(signer.expiry).toISOString().slice(0, 10);
  const message = ended
    ? `This device’s delegation ended on ${day}: it can no longer sign. Renew it on the Identity page.`
    : `This device’s delegation ends in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${day}). Renew it on the Identity page.`;
  return {
    id: `delegation-expiring|${signer.key}`,
    kind: 'delegation-expiring',
    message,
    source: `${signer.key}:${signer.expiry}:${ended ? 'ended' : 'soon'}`,
    at: now,
    ...(ended ? { severity: 'critical' as const } : {}),
  };
}
