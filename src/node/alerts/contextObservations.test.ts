import { describe, expect, test } from 'vitest';
import type { RootId } from '../../core/identity/index.ts';
import type { ContextView } from '../contexts/view.ts';
import { contextObservations } from './contextObservations.ts';

const ME = 'tabnode:local:me' as RootId;
const BOB = 'tabnode:local:bob' as RootId;

function view(parts: Partial<ContextView>): ContextView {
  return { id: 'c1', name: 'Design team', myRoot: ME, alerts: [], invalidOps: [], rejected: [], peers: [], closedPeers: [], ...parts } as ContextView;
}

const peer = (linkId: string, label: string, extra = {}) => ({ linkId, label, state: 'verified', received: { messages: 0, bytes: 0, ops: 0 }, sent: { messages: 0, bytes: 0, ops: 0 }, ignoredOps: 0, ...extra }) as ContextView['peers'][number];

describe('a context view as alert observations', () => {
  test("others' refused ops by who and why, in plain words; mine are left out", () => {
    const out = contextObservations(
      view({
        invalidOps: [
          { key: 'k1', kind: 'delta', author: `Bob laptop (${BOB})`, authorName: 'Bob laptop', authorRoot: BOB, reason: 'insufficient-role', message: 'a reader cannot do this (needs writer)', time: 5 },
          { key: 'k2', kind: 'delta', author: `Me (${ME})`, authorName: 'Me', authorRoot: ME, reason: 'insufficient-role', message: 'no', time: 6 },
        ],
      }),
      100,
    );
    expect(out).toEqual([
      {
        id: `unauthorized|c1|${BOB}|insufficient-role`,
        kind: 'unauthorized',
        context: 'c1',
        contextName: 'Design team',
        message: 'Bob laptop tried to change the shared data in “Design team” and was refused: role does not allow it.',
        detail: 'insufficient-role: a reader cannot do this (needs writer)',
        source: 'op:k1',
        at: 5,
      },
    ]);
  });

  test("the context's own alerts map to the node's kinds ('rejected-op' comes from the stored refusals)", () => {
    const out = contextObservations(
      view({
        alerts: [
          { at: 1, kind: 'divergence', message: 'Bob laptop has the same ops but a different state' },
          { at: 2, kind: 'anchor', message: 'Different anchors: x' },
          { at: 3, kind: 'join-failed', message: 'the invite is used up' },
          { at: 4, kind: 'rejected-op', message: '2 op(s) refused' },
          { at: 5, kind: 'quota', message: 'Mallory laptop sent too many rejected bytes: link closed' },
          { at: 6, kind: 'join-failed', message: 'the rules refuse this join: invite expired', detail: 'the invite had expired when it was used' },
        ],
      }),
      100,
    );
    expect(out.map((o) => [o.kind, o.message, o.source])).toEqual([
      ['divergence', '“Design team”: Bob laptop has the same ops but a different state.', 'divergence@1'],
      ['anchor-mismatch', '“Design team”: Different anchors: x.', 'anchor@2'],
      ['sync-failed', '“Design team”: The invite is used up.', 'join-failed@3'],
      ['quota', '“Design team”: Mallory laptop sent too many rejected bytes: link closed.', 'quota@5'],
      ['sync-failed', '“Design team”: The rules refuse this join: invite expired.', 'join-failed@6'],
    ]);
    expect(out.at(-1)!.detail).toBe('the invite had expired when it was used');
  });

  test('stored refusals name the peer they came from; a link dropped for a protocol error, or a peer refusing to sync, is a failed sync', () => {
    const out = contextObservations(
      view({
        rejected: [
          { context: 'c1', reason: 'not-admitted', message: 'not a member', from: 'L1', at: 7 },
          { context: 'c1', reason: 'bad-signature', message: 'forged', at: 8 },
        ],
        closedPeers: [peer('L1', 'Eve phone', { state: 'closed', closeReason: 'peer left: bye' }), peer('L3', 'Dan tablet', { state: 'closed', closeReason: 'protocol error: expected type 48, got 100' })],
        peers: [peer('L2', 'Bob laptop', { refusedBy: 'not a member' })],
      }),
      100,
    );
    expect(out.map((o) => [o.kind, o.message])).toEqual([
      ['unauthorized', 'Changes Eve phone sent to “Design team” were refused: from a peer not admitted.'],
      ['refused-op', 'Changes a peer sent to “Design team” were refused: bad signature.'],
      ['sync-failed', 'Syncing “Design team” with Dan tablet failed: it sent something this node cannot read.'],
      ['sync-failed', 'Bob laptop refuses to sync “Design team” with this node: it does not admit this device.'],
    ]);
    // The technical text stays, as the detail: what people read has none of it.
    expect(out.map((o) => o.detail)).toEqual(['not-admitted: not a member', 'bad-signature: forged', 'protocol error: expected type 48, got 100', 'not a member']);
    for (const o of out) expect(o.message).not.toMatch(/protocol error|expected type|not-admitted|bad-signature|[a-z]+-[a-z]+:/);
    expect(out.slice(2).map((o) => o.at)).toEqual([100, 100]);
  });
});
