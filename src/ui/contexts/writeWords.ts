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

/**
 * Changes held here that this device cannot read (docs/decisions/epoch-keys.md): a relay never
 * holds a key; a removed member holds none for what came after; a new device waits for one.
 */
export function sealedNote(view: Pick<ContextView, 'sealed' | 'myRole' | 'departure'>): string | undefined {
  const waiting = view.sealed?.waiting ?? 0;
  const unreadable = view.sealed?.unreadable ?? 0;
  const parts: string[] = [];
  if (waiting) {
    const changes = waiting === 1 ? '1 change' : `${waiting} changes`;
    const why =
      view.myRole === 'relay' ? 'a relay holds no key to the shared data'
      : view.departure ? `${waiting === 1 ? 'it was' : 'they were'} written after you left or were removed`
      : 'this device has not been given the key yet; a member online will share it';
    parts.push(`${changes} here ${waiting === 1 ? 'is' : 'are'} encrypted and cannot be read on this device: ${why}.`);
  }
  if (unreadable) parts.push(`${unreadable === 1 ? '1 change does' : `${unreadable} changes do`} not open with the key it names (damaged or made by a faulty node) and ${unreadable === 1 ? 'is' : 'are'} left out.`);
  return parts.length ? parts.join(' ') : undefined;
}
