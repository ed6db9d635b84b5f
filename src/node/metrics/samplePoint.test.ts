import { describe, expect, test } from 'vitest';
import type { PeerInfo } from '../../core/sync/contextSync.ts';
import type { AnchorsView } from '../anchors/view.ts';
import type { ContextView } from '../contexts/view.ts';
import { contextHealth, countByReason } from './dashboardView.ts';
import { samplePoint } from './samplePoint.ts';

const peer = (linkId: string, state: PeerInfo['state'], sentOps: number, extra: Partial<PeerInfo> = {}): PeerInfo => ({
  linkId,
  state,
  label: linkId,
  received: { messages: 0, bytes: 0, ops: 0 },
  sent: { messages: 0, bytes: 0, ops: sentOps },
  ignoredOps: 0,
  ...extra,
});

const view = (over: Partial<ContextView>): ContextView =>
  ({ id: 'c', name: 'C', online: true, joining: false, peers: [], opCount: 10, remoteOpCount: 10, pending: 0, stuck: 0, invalidOps: [], rejected: [], checkpoints: [], ...over }) as ContextView;

describe('one health sample', () => {
  test('links by state, ops out from the links’ counters, rates and latency from the tally, lag', () => {
    const v = view({
      peers: [peer('a', 'verified', 30), peer('b', 'refused', 0, { refusal: 'not a member' }), peer('c', 'verified', 4, { refusedBy: 'revoked' }), peer('d', 'closed', 99)],
      remoteOpCount: 14,
      opCount: 10,
      pending: 2,
    });
    const { point, wire } = samplePoint({ view: v, counts: { opsIn: 10, published: 5, refused: 3, latencies: [40, 10, 20] }, wire: new Map([['a', 10]]), t: 7000, intervalMs: 5000 });
    expect(point).toEqual({ t: 7000, peers: 1, links: 3, refusedLinks: 2, opsIn: 2, opsOut: 4.8, published: 1, refused: 3, latencyMs: 20, lag: 6 });
    expect([...wire]).toEqual([['a', 30], ['b', 0], ['c', 4]]);
  });
});

describe('one context’s health', () => {
  test('refusals by reason, most frequent first; the anchor where a chain is bound', () => {
    expect(countByReason([{ reason: 'b' }, { reason: 'a' }, { reason: 'b' }])).toEqual([{ reason: 'b', count: 2 }, { reason: 'a', count: 1 }]);
    const anchors = { status: 'mismatch', statusMessage: 'member set differs', chain: { state: 'reading' }, latest: { seq: '3', at: 99 } } as unknown as AnchorsView;
    const h = contextHealth(view({ anchors, peers: [peer('a', 'verified', 0), peer('z', 'closed', 0)] }), [], 1000);
    expect(h.anchor).toEqual({ status: 'mismatch', message: 'member set differs', chain: 'reading', seq: '3', at: 99 });
    expect(h.links).toEqual([{ label: 'a', state: 'verified' }]);
    expect(contextHealth(view({}), [], 1000).anchor).toBeUndefined();
  });
});

describe('sync lag on the dashboard', () => {
  test('known only online with an admitted peer that said what it has: ops behind it, plus ops waiting for parents', () => {
    const told = peer('a', 'verified', 0, { remoteCount: 14 });
    expect(contextHealth(view({ peers: [told], remoteOpCount: 14, opCount: 10, pending: 2 }), [], 1000).lag).toBe(6);
    expect(contextHealth(view({ peers: [told], remoteOpCount: 10, opCount: 10 }), [], 1000).lag).toBe(0);
    // Offline, or no admitted peer that told: not known (it was "in step", whatever others wrote meanwhile).
    expect(contextHealth(view({ online: false, peers: [], remoteOpCount: 0, opCount: 10 }), [], 1000).lag).toBeNull();
    expect(contextHealth(view({ peers: [], remoteOpCount: 0 }), [], 1000).lag).toBeNull();
    expect(contextHealth(view({ peers: [peer('b', 'verified', 0)], remoteOpCount: 0 }), [], 1000).lag).toBeNull();
    expect(contextHealth(view({ peers: [peer('c', 'refused', 0, { remoteCount: 20 }), peer('d', 'verified', 0, { refusedBy: 'revoked', remoteCount: 20 })] }), [], 1000).lag).toBeNull();
  });
});
