import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorDue, AnchorPolicyError, DEFAULT_ANCHOR_POLICY, validatePolicy } from './policy.ts';

describe('anchor policy', () => {
  it('anchors governance changes at once when asked to', () => {
    expect(anchorDue(DEFAULT_ANCHOR_POLICY, { governanceChanged: true, opsSinceAnchor: 1, msSinceAnchor: 0 })).toBe('governance');
    expect(anchorDue({ ...DEFAULT_ANCHOR_POLICY, governance: false }, { governanceChanged: true, opsSinceAnchor: 1, msSinceAnchor: 0 })).toBeUndefined();
  });

  it('checkpoints by count or by time, only with new ops', () => {
    const p = { governance: true, everyOps: 10, everyMs: 60_000 };
    expect(anchorDue(p, { governanceChanged: false, opsSinceAnchor: 10, msSinceAnchor: 0 })).toBe('ops');
    expect(anchorDue(p, { governanceChanged: false, opsSinceAnchor: 3, msSinceAnchor: 60_000 })).toBe('time');
    expect(anchorDue(p, { governanceChanged: false, opsSinceAnchor: 0, msSinceAnchor: 10 * 60_000 })).toBeUndefined();
    expect(anchorDue(p, { governanceChanged: false, opsSinceAnchor: 9, msSinceAnchor: 59_999 })).toBeUndefined();
  });

  it('never anchors when every trigger is off', () => {
    const off = { governance: false, everyOps: 0, everyMs: 0 };
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.nat(), (governanceChanged, opsSinceAnchor, msSinceAnchor) => {
        expect(anchorDue(off, { governanceChanged, opsSinceAnchor, msSinceAnchor })).toBeUndefined();
      }),
    );
  });

  it('refuses out-of-range policies with a message saying the range', () => {
    expect(() => validatePolicy({ governance: true, everyOps: -1, everyMs: 0 })).toThrow(AnchorPolicyError);
    expect(() => validatePolicy({ governance: true, everyOps: 1.5, everyMs: 0 })).toThrow(/whole number/);
    expect(() => validatePolicy({ governance: true, everyOps: 0, everyMs: 1000 })).toThrow(/one minute/);
    expect(validatePolicy({ governance: true, everyOps: 0, everyMs: 0 })).toEqual({ governance: true, everyOps: 0, everyMs: 0 });
  });
});
