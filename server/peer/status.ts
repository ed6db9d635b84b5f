// One status line per context, as the peer prints it every few seconds (and tests read it back).

/** What the peer reads of one context held in its browser (plain data out of the page). */
export interface ContextStatus {
  id: string;
  name: string;
  /** This node's role; none while joining or after leaving. */
  role?: string;
  opCount: number;
  /** Peers connected and verified now. */
  peers: number;
  joining: boolean;
  joinProblem?: string;
  catchUp?: { have: number; expected: number };
  /** Set once this node is no longer a member: removed or left. */
  departed?: string;
}

/** The short context id a line names (the first 8 hex digits). */
export const shortId = (id: string): string => id.slice(0, 8);

/** What the context is doing, in a few words: the part after the counts. */
export function stateOf(s: ContextStatus): string {
  if (s.departed) return `not a member any more: ${s.departed}`;
  if (s.joining && s.joinProblem) return `cannot join: ${s.joinProblem}`;
  if (s.joining) return s.catchUp ? `joining, catching up ${s.catchUp.have} of ${s.catchUp.expected} ops` : 'joining: waiting for a member to come online';
  if (s.catchUp) return `catching up ${s.catchUp.have} of ${s.catchUp.expected} ops`;
  if (s.role && s.role !== 'relay') return `in sync, but this node is a ${s.role} here, not a relay`;
  return s.peers > 0 ? 'in sync' : 'waiting for peers';
}

/** e.g. `12:00:05 1a2b3c4d "Design team" relay: 42 ops held, 2 peers, in sync` (UTC time). */
export function formatStatus(s: ContextStatus, at: Date): string {
  const time = at.toISOString().slice(11, 19);
  const peers = `${s.peers} ${s.peers === 1 ? 'peer' : 'peers'}`;
  return `${time} ${shortId(s.id)} ${JSON.stringify(s.name)} ${s.role ?? '-'}: ${s.opCount} ops held, ${peers}, ${stateOf(s)}`;
}

export interface StatusLine {
  time: string;
  id: string;
  name: string;
  role?: string;
  opCount: number;
  peers: number;
  state: string;
}

const LINE = /^(\d\d:\d\d:\d\d) ([0-9a-f]{8}) ("(?:[^"\\]|\\.)*") (\S+): (\d+) ops held, (\d+) peers?, (.+)$/;

/** A status line read back (a supervisor or a test watching the output); undefined for other lines. */
export function parseStatusLine(line: string): StatusLine | undefined {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  return {
    time: m[1]!,
    id: m[2]!,
    name: JSON.parse(m[3]!) as string,
    ...(m[4] === '-' ? {} : { role: m[4]! }),
    opCount: Number(m[5]),
    peers: Number(m[6]),
    state: m[7]!,
  };
}
