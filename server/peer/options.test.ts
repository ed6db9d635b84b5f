import { describe, expect, test } from 'vitest';
import { parsePeerArgs, PEER_LIMITS, PeerUsageError } from './options.ts';

describe('the peer command line', () => {
  test('links in order, a data directory resolved against the working directory, defaults', () => {
    expect(parsePeerArgs(['http://a/join#x', 'http://b/join#y'], '/srv')).toEqual({
      links: ['http://a/join#x', 'http://b/join#y'],
      dataDir: '/srv/.tabnode-peer',
      statusMs: PEER_LIMITS.statusMs.default,
      label: 'Tabnode relay',
    });
    expect(parsePeerArgs(['--data', 'relay-data', '--status-ms', '1000', '--label', 'Basement box'], '/srv')).toMatchObject({
      links: [],
      dataDir: '/srv/relay-data',
      statusMs: 1000,
      label: 'Basement box',
    });
    expect(parsePeerArgs(['--data', '/var/lib/tabnode'], '/srv')).toMatchObject({ dataDir: '/var/lib/tabnode' });
    expect(parsePeerArgs(['x', '--help'], '/')).toBe('help');
  });

  test('mistakes are named', () => {
    const fails = (argv: string[], message: RegExp) => expect(() => parsePeerArgs(argv, '/')).toThrow(message);
    fails(['--data'], /--data needs a value/);
    fails(['--data', '--label', 'x'], /--data needs a value/);
    fails(['--status-ms', '10'], /--status-ms takes a whole number from 500 to 600000, not "10"/);
    fails(['--status-ms', '1.5'], /whole number/);
    fails(['--label', '  '], /--label takes 1 to 60 characters/);
    fails(['--verbose'], /unknown option --verbose/);
    expect(() => parsePeerArgs([], '/')).not.toThrow();
    expect(() => parsePeerArgs(['--nope'], '/')).toThrow(PeerUsageError);
  });

  test(`at most ${PEER_LIMITS.contexts} links per process`, () => {
    const links = Array.from({ length: PEER_LIMITS.contexts + 1 }, (_, i) => `http://a/join#${i}`);
    expect(() => parsePeerArgs(links, '/')).toThrow(/at most 32 contexts per peer process/);
    expect(parsePeerArgs(links.slice(1), '/')).toMatchObject({ links: links.slice(1) });
  });
});
