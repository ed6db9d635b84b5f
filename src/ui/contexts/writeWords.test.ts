import { describe, expect, test } from 'vitest';
import type { PeerInfo } from '../../core/sync/contextSync.ts';
import { sealedNote, sharedWhere, whyReadOnly } from './writeWords.ts';

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

  test('changes this device cannot read are counted, with why in plain words', () => {
    expect(sealedNote({ myRole: 'writer' })).toBeUndefined();
    expect(sealedNote({ myRole: 'writer', sealed: { waiting: 0, unreadable: 0 } })).toBeUndefined();
    expect(sealedNote({ myRole: 'relay', sealed: { waiting: 3, unreadable: 0 } })).toBe('3 changes here are encrypted and cannot be read on this device: a relay holds no key to the shared data.');
    expect(sealedNote({ departure: { how: 'removed', by: 'Alice laptop', at: 1 }, sealed: { waiting: 1, unreadable: 0 } })).toBe(
      '1 change here is encrypted and cannot be read on this device: it was written after you left or were removed.',
    );
    expect(sealedNote({ myRole: 'writer', sealed: { waiting: 2, unreadable: 0 } })).toMatch(/not been given the key yet/);
    expect(sealedNote({ myRole: 'writer', sealed: { waiting: 0, unreadable: 1 } })).toMatch(/^1 change does not open with the key it names/);
  });
});
