import { decodeContextBackup, encodeContextBackup, ContextBackupError, type ContextBackup } from '../../core/backup/contextBackup.ts';
import { decodeOp, idKey, type Op } from '../../core/ops/op.ts';
import type { ContextRecord } from '../../core/store/index.ts';
import { exportBaseName, type AuditFile } from './auditExport.ts';

/** A context as a backup file: its record's rendezvous details and its stored history. */
export function contextBackupFile(record: ContextRecord, name: string, ops: Uint8Array[], exportedAt: number): AuditFile {
  const backup: ContextBackup = { context: record.id, name, secret: record.secret, signaling: record.signaling, exportedAt, ops };
  return { filename: `${exportBaseName('backup', { id: record.id, name }, exportedAt)}.json`, mimeType: 'application/json', text: encodeContextBackup(backup) };
}

/**
 * Read a backup for restoring: its ops decoded (an undecodable one is left for the count of
 * refused ones), and it must hold the genesis of the context it names — else it would make
 * a context record here for a context it cannot show.
 */
export function readBackup(text: string): { backup: ContextBackup; ops: Op[]; undecodable: number } {
  const backup = decodeContextBackup(text);
  const ops: Op[] = [];
  let undecodable = 0;
  for (const bytes of backup.ops) {
    try {
      ops.push(decodeOp(bytes));
    } catch {
      undecodable++;
    }
  }
  if (!ops.some((op) => op.body.kind === 'genesis' && idKey(op.id) === backup.context)) {
    throw new ContextBackupError('this backup does not hold the first op (genesis) of the context it names, so nothing of it can be checked');
  }
  return { backup, ops, undecodable };
}

/** What a restore did: ops new here that joined the history, and ops the gate refused. */
export interface RestoreOutcome {
  id: string;
  name: string;
  added: number;
  refused: number;
}
