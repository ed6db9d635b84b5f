import { describe, expect, test } from 'vitest';
import { formatStatus, parseStatusLine, stateOf, type ContextStatus } from './status.ts';

const AT = new Date(Date.UTC(2026, 11, 7, 12, 0, 5));
const base: ContextStatus = { id: '1a2b3c4d'.padEnd(64, '0'), name: 'Design team', role: 'relay', opCount: 42, peers: 2, joining: false };

describe('status lines', () => {
  test('one line per context: time, short id, name, role, ops held, peers, state', () => {
    expect(formatStatus(base, AT)).toBe('12:00:05 1a2b3c4d "Design team" relay: 42 ops held, 2 peers, in sync');
    expect(formatStatus({ ...base, peers: 1 }, AT)).toBe('12:00:05 1a2b3c4d "Design team" relay: 42 ops held, 1 peer, in sync');
    expect(formatStatus({ ...base, role: undefined, opCount: 0, peers: 0, joining: true }, AT)).toBe(
      '12:00:05 1a2b3c4d "Design team" -: 0 ops held, 0 peers, joining: waiting for a member to come online',
    );
  });

  test('what the context is doing', () => {
    expect(stateOf({ ...base, peers: 0 })).toBe('waiting for peers');
    expect(stateOf({ ...base, catchUp: { have: 30, expected: 42 } })).toBe('catching up 30 of 42 ops');
    expect(stateOf({ ...base, joining: true, catchUp: { have: 3, expected: 42 } })).toBe('joining, catching up 3 of 42 ops');
    expect(stateOf({ ...base, joining: true, joinProblem: 'a member refused to share the history: the invite was used up' })).toBe(
      'cannot join: a member refused to share the history: the invite was used up',
    );
    expect(stateOf({ ...base, departed: 'removed by Alice laptop' })).toBe('not a member any more: removed by Alice laptop');
    expect(stateOf({ ...base, role: 'writer' })).toBe('in sync, but this node is a writer here, not a relay');
  });

  test('a line reads back, names with quotes and colons too; other lines do not', () => {
    const odd = { ...base, name: 'Plans: "Q3" \\ draft' };
    expect(parseStatusLine(formatStatus(odd, AT))).toEqual({ time: '12:00:05', id: '1a2b3c4d', name: odd.name, role: 'relay', opCount: 42, peers: 2, state: 'in sync' });
    expect(parseStatusLine(formatStatus({ ...base, role: undefined, joining: true }, AT))).not.toHaveProperty('role');
    expect(parseStatusLine('relaying; data in /tmp/x; Ctrl-C stops')).toBeUndefined();
    expect(parseStatusLine('error: could not reach http://127.0.0.1:1')).toBeUndefined();
  });
});
