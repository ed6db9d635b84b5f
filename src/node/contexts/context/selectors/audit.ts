import type { GovState } from '../../../../core/governance/state.ts';
import { UNKNOWN_EXECUTOR, type AuditEntry, type VerificationView } from '../../view.ts';
import { readableDelta, type History } from './types.ts';

/** Every op with who made it, from which device, whether it counts, and its re-run's result. */
export function selectAudit(g: GovState, history: History, verifications: ReadonlyMap<string, VerificationView>): AuditEntry[] {
  return [...history.ops].map((c) => {
    const key = g.keys.get(c.author);
    const v = history.verdict(c.key);
    const body = c.op.body;
    const call = readableDelta(history, c)?.call?.method;
    return {
      key: c.key,
      kind: body.kind,
      executor: key?.root ?? UNKNOWN_EXECUTOR,
      device: key?.label ?? c.author.slice(0, 12),
      time: c.op.time,
      valid: Boolean(v?.valid),
      ...(v && !v.valid ? { reason: v.reason } : {}),
      ...(call ? { call } : {}),
      ...(verifications.get(c.key) ? { verification: verifications.get(c.key)!.result } : {}),
    };
  });
}
