import { describe, expect, test } from 'vitest';
import type { PeerInfo } from '../../core/sync/contextSync.ts';
import { sharedWhere, whyReadOnly } from './writeWords.ts';

const verified = { state: 'verified' } as PeerInfo;

describe('what a write tells its author', () => {
  test('offline, or with no member connected, a change is saved here and shared later', () => {
    expect(sharedWhere({ online: true, peers: [verified] })).toBe('saved and shared.');
    expect(sharedWhere({ online: true, peers: [] })).toBe('saved on this device; will be shared when a member is online.');
    expect(sharedWhere({ online: true, peers: [{ state: 'handshaking' } as PeerInfo] })).toMatch(/^saved on this device/);
    expect(sharedWhere({ online: false, peers: [verified] })).toMatch(/^saved on this device/);
  });

  test('a removed member is told by whom, in plain words; members get nothing', () => {
    expect(whyReadOnly({ departure: { how: 'removed', by: 'Alice laptop', at: 1 }, joining: false })).toBe(
      'You were removed from this context by Alice laptop. You can still read what it held here, but you can no longer change it.',
    );
    expect(whyReadOnly({ departure: { how: 'left', at: 1 }, joining: false })).toMatch(/^You left this context/);
    expect(whyReadOnly({ myRole: 'writer', joining: false })).toBeUndefined();
    expect(whyReadOnly({ joining: true })).toBeUndefined();
    expect(whyReadOnly({ myRole: 'relay', joining: false })).toMatch(/^This node is a relay: .*cannot change the shared data\.$/);
    expect(whyReadOnly({ myRole: 'reader', joining: false })).toBeUndefined();
  });
});
