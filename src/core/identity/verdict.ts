/** The outcome of a verification: accepted, or refused with a machine reason and a human message. */
export type Verdict<Reason extends string> = { ok: true } | { ok: false; reason: Reason; message: string };

export const accept = { ok: true } as const;

export function refuse<Reason extends string>(reason: Reason, message: string): Verdict<Reason> {
  return { ok: false, reason, message };
}
