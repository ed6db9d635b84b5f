import type { ContextView } from '../../node/index.ts';

/** Whether a change made now reached anyone: with nobody connected it waits on this device. */
export function sharedWhere(view: Pick<ContextView, 'online' | 'peers'>): string {
  const connected = view.online && view.peers.some((p) => p.state === 'verified');
  return connected ? 'saved and shared.' : 'saved on this device; will be shared when a member is online.';
}

/** Why this member cannot change the shared data, in plain words; none when it can. */
export function whyReadOnly(view: Pick<ContextView, 'departure' | 'myRole' | 'joining'>): string | undefined {
  const d = view.departure;
  if (d?.how === 'removed') return `You were removed from this context by ${d.by}. You can still read what it held here, but you can no longer change it.`;
  if (d?.how === 'left') return 'You left this context. You can still read what it held here, but you can no longer change it.';
  if (!view.joining && !view.myRole) return 'You are not a member of this context, so you cannot change it.';
  if (view.myRole === 'relay') return 'This node is a relay: it keeps and forwards every op so members catch up from it, and cannot change the shared data.';
  return undefined;
}
