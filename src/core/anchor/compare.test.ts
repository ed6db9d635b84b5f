import { describe, expect, test } from 'vitest';
import type { AnchorRecord, ChainPosition, Hash32 } from './AnchorChain.ts';
import { compareAnchor, compareAnchorRecords, type AnchorLocalView } from './compare.ts';

const word = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash32;
const key = (n: number) => word(n).slice(2);
const HEAD = 0xaa;
const record: AnchorRecord = { govHead: word(HEAD), memberRoot: word(0x11), stateRoot: word(0), epoch: 0n };
const at: ChainPosition = { blockNumber: 42n, blockHash: word(0x42), txHash: word(0x77), logIndex: 3, timestamp: 1_700_000_000 };

function view(over: Partial<AnchorLocalView> = {}): AnchorLocalView {
  return {
    has: (k) => k === key(HEAD),
    isValid: (k) => k === key(HEAD),
    memberRootAt: (k) => (k === key(HEAD) ? word(0x11) : undefined),
    latestGovernanceKey: () => key(HEAD),
    ...over,
  };
}

const args = (local: AnchorLocalView, waitedMs = 0) => ({ record, local, waitedMs, withheldAfterMs: 60_000, at, seq: 5n });

describe('compareAnchor', () => {
  test('in sync: head here, valid, same members, no governance after it', () => {
    expect(compareAnchor(args(view()))).toEqual({ status: 'in-sync' });
  });

  test('the head is matched whatever the case of the anchored hex', () => {
    expect(compareAnchor({ ...args(view()), record: { ...record, govHead: record.govHead.toUpperCase().replace('0X', '0x') as Hash32 } })).toEqual({ status: 'in-sync' });
  });

  test('behind: governance ops after the anchored head', () => {
    expect(compareAnchor(args(view({ latestGovernanceKey: () => key(0xbb) })))).toEqual({ status: 'behind' });
    // The exact count wins over the latest-op heuristic, both ways.
    expect(compareAnchor(args(view({ latestGovernanceKey: () => key(0xbb), governanceOutside: () => 0 })))).toEqual({ status: 'in-sync' });
    expect(compareAnchor(args(view({ governanceOutside: () => 2 })))).toEqual({ status: 'behind' });
  });

  test('awaiting history, then withheld after the bound, naming block and tx', () => {
    const missing = view({ has: () => false });
    expect(compareAnchor(args(missing, 59_999))).toEqual({ status: 'awaiting-history' });
    const r = compareAnchor(args(missing, 60_000));
    expect(r.status).toBe('withheld');
    expect(r.status === 'withheld' && r.message).toMatch(/withheld history: anchor #5 \(block 42, tx 0x0+77\)/);
  });

  test('mismatch: other members at the head', () => {
    const r = compareAnchor(args(view({ memberRootAt: () => word(0x12) })));
    expect(r).toMatchObject({ status: 'mismatch', local: word(0x12), anchored: word(0x11) });
    expect(r.status === 'mismatch' && r.message).toMatch(/membership mismatch/);
  });

  test('fork: the head is here but refused by this node', () => {
    const r = compareAnchor(args(view({ isValid: () => false })));
    expect(r.status).toBe('fork');
    expect(r.status === 'fork' && r.message).toMatch(/rules refuse:/);
  });

  test('a malformed head is an error, not a status', () => {
    expect(() => compareAnchor({ ...args(view()), record: { ...record, govHead: '0x12' as Hash32 } })).toThrow(/64 hex digits/);
  });
});

describe('compareAnchorRecords', () => {
  test('same seq and record: same; other seq: names the newer; same seq, other record: differ', () => {
    expect(compareAnchorRecords({ seq: 3n, record }, { seq: 3n, record: { ...record } })).toEqual({ status: 'same' });
    expect(compareAnchorRecords({ seq: 3n, record }, { seq: 4n, record })).toEqual({ status: 'other-seq', newer: 'b' });
    const r = compareAnchorRecords({ seq: 3n, record, at }, { seq: 3n, record: { ...record, epoch: 1n } });
    expect(r.status).toBe('differ');
    expect(r.status === 'differ' && r.message).toMatch(/two anchors #3.*block 42/);
  });
});
