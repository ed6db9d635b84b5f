import { describe, expect, it } from 'vitest';
import { CONTEXT_BACKUP_LIMITS, ContextBackupError, decodeContextBackup, encodeContextBackup, type ContextBackup } from './contextBackup.ts';

const backup: ContextBackup = {
  context: 'ab'.repeat(32),
  name: 'Design team',
  secret: new Uint8Array(32).fill(7),
  signaling: ['ws://127.0.0.1:8080/signal'],
  exportedAt: Date.UTC(2026, 11, 6),
  ops: [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])],
};

describe('context backup files', () => {
  it('round-trips', () => {
    expect(decodeContextBackup(encodeContextBackup(backup))).toEqual(backup);
  });

  const broken: [string, (b: Record<string, unknown>) => unknown, RegExp][] = [
    ['another format', (b) => ({ ...b, format: 'tabnode-audit-bundle' }), /format/],
    ['a later version', (b) => ({ ...b, version: 2 }), /version 2/],
    ['a short context id', (b) => ({ ...b, context: 'abcd' }), /context id/],
    ['a bad secret', (b) => ({ ...b, secret: 'zz'.repeat(32) }), /secret/],
    ['no ops', (b) => ({ ...b, ops: [] }), /between 1 and/],
    ['an op that is not base64url', (b) => ({ ...b, ops: ['***'] }), /op 0 is not base64url/],
    ['too many signaling servers', (b) => ({ ...b, signaling: Array(9).fill('ws://x') }), /signaling/],
    ['no export time', (b) => ({ ...b, exportedAt: 'yesterday' }), /export time/],
  ];
  for (const [what, change, reason] of broken) {
    it(`refuses ${what}, saying so`, () => {
      const text = JSON.stringify(change(JSON.parse(encodeContextBackup(backup)) as Record<string, unknown>));
      expect(() => decodeContextBackup(text)).toThrow(ContextBackupError);
      expect(() => decodeContextBackup(text)).toThrow(reason);
    });
  }

  it('refuses what is not JSON, and a file over the size bound before parsing it', () => {
    expect(() => decodeContextBackup('{not json')).toThrow(/not JSON/);
    expect(() => decodeContextBackup(' '.repeat(CONTEXT_BACKUP_LIMITS.fileBytes + 1))).toThrow(/larger than 64 MiB/);
  });
});
