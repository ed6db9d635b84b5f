/**
 * One decoder under fuzz: how to build its seeds, how to run it on one input, and what
 * counts as a clean refusal. Everything else it throws is a crash.
 */
export interface FuzzTarget<T = unknown> {
  /** Short name, for `--only` and the table. */
  name: string;
  /** The function under test and where it lives, for people reading the table or the README. */
  decoder: string;
  /** Valid inputs, built with real keys; mutations start from them. */
  seeds(): Promise<Uint8Array[]>;
  /** Tokens of the format (tags, names, magic values) that mutations insert whole. */
  dictionary?: Uint8Array[];
  /** Generated inputs stay at most this long. */
  maxInputBytes: number;
  /** Bytes that random inputs often start with (an envelope's tag and version), so they get past the first check. */
  header?: Uint8Array;
  /** Run the decoder on one input. */
  decode(input: Uint8Array): T;
  /** Whether an error is the module's own typed refusal (DecodeError, FrameError…). */
  isRefusal(error: unknown): boolean;
  /** Invariants on a decoded value, e.g. canonical re-encoding; returns what is wrong, if anything. */
  check?(value: T, input: Uint8Array): string | undefined;
}

export type CrashKind = 'exception' | 'invariant' | 'slow';

export type Verdict = { kind: 'decoded' } | { kind: 'refused' } | { kind: 'crash'; crash: CrashKind; error: string; detail: string };

/** Run one input through a target and judge it. Never throws. */
export function judgeInput<T>(target: FuzzTarget<T>, input: Uint8Array): Verdict {
  let value: T;
  try {
    value = target.decode(input);
  } catch (error) {
    if (target.isRefusal(error)) return { kind: 'refused' };
    return { kind: 'crash', crash: 'exception', error: describeError(error), detail: stackOf(error) };
  }
  if (!target.check) return { kind: 'decoded' };
  let problem: string | undefined;
  try {
    problem = target.check(value, input);
  } catch (error) {
    problem = `the invariant check threw ${describeError(error)}`;
  }
  return problem === undefined ? { kind: 'decoded' } : { kind: 'crash', crash: 'invariant', error: problem, detail: '' };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `a thrown ${typeof error}: ${String(error)}`;
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? '') : '';
}
