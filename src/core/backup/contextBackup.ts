import { fromBase64url, toBase64url } from '../codec/text.ts';
import { fromHex, toHex } from '../crypto/index.ts';
import { OP_LIMITS } from '../ops/op.ts';

/**
 * A context backup (docs/backup.md): what a device needs to take a context back — its id,
 * name, rendezvous secret and signaling servers, and its history as the canonical signed
 * ops. Nothing in it is trusted on restore: every op goes through the replica's gate again.
 */
export const CONTEXT_BACKUP_FORMAT = 'tabnode-context-backup';
export const CONTEXT_BACKUP_VERSION = 1;

export const CONTEXT_BACKUP_LIMITS = {
  /** The whole file, checked before it is parsed. */
  fileBytes: 64 * 1024 * 1024,
  ops: 200_000,
  nameChars: 200,
  signalingServers: 8,
  signalingUrlChars: 500,
} as const;

export interface ContextBackup {
  /** hex of the context id (its genesis op id) */
  context: string;
  name: string;
  /** The rendezvous secret: whoever holds the file can find the context's room (not join it). */
  secret: Uint8Array;
  signaling: string[];
  exportedAt: number;
  /** Canonical signed ops, parents first. */
  ops: Uint8Array[];
}

/** A file that is not a backup Tabnode can read, with what is wrong. */
export class ContextBackupError extends Error {
  override readonly name = 'ContextBackupError';
}

export function encodeContextBackup(b: ContextBackup): string {
  return JSON.stringify({
    format: CONTEXT_BACKUP_FORMAT,
    version: CONTEXT_BACKUP_VERSION,
    context: b.context,
    name: b.name,
    secret: toHex(b.secret),
    signaling: b.signaling,
    exportedAt: new Date(b.exportedAt).toISOString(),
    ops: b.ops.map(toBase64url),
  });
}

const isHex = (s: unknown, bytes: number): s is string => typeof s === 'string' && s.length === bytes * 2 && /^[0-9a-f]+$/.test(s);

/** Read a backup file's text; throws ContextBackupError naming the first thing wrong. */
export function decodeContextBackup(text: string): ContextBackup {
  const fail = (what: string): never => {
    throw new ContextBackupError(`this is not a Tabnode context backup: ${what}`);
  };
  if (text.length > CONTEXT_BACKUP_LIMITS.fileBytes) fail(`it is larger than ${CONTEXT_BACKUP_LIMITS.fileBytes / 1024 / 1024} MiB`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('it is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) fail('it is not a JSON object');
  if (raw.format !== CONTEXT_BACKUP_FORMAT) fail(`its format is not "${CONTEXT_BACKUP_FORMAT}"`);
  if (raw.version !== CONTEXT_BACKUP_VERSION) fail(`version ${String(raw.version)} is not one this version reads (${CONTEXT_BACKUP_VERSION})`);
  if (!isHex(raw.context, 32)) fail('its context id is not 32 bytes of hex');
  if (typeof raw.name !== 'string' || raw.name.length > CONTEXT_BACKUP_LIMITS.nameChars) fail(`its name is not text of at most ${CONTEXT_BACKUP_LIMITS.nameChars} characters`);
  if (!isHex(raw.secret, 32)) fail('its secret is not 32 bytes of hex');
  const signaling = raw.signaling;
  if (!Array.isArray(signaling) || signaling.length > CONTEXT_BACKUP_LIMITS.signalingServers || !signaling.every((u) => typeof u === 'string' && u.length <= CONTEXT_BACKUP_LIMITS.signalingUrlChars)) {
    fail(`its signaling list is not at most ${CONTEXT_BACKUP_LIMITS.signalingServers} addresses`);
  }
  const exportedAt = Date.parse(String(raw.exportedAt));
  if (!Number.isFinite(exportedAt)) fail('its export time is not a date');
  const ops = raw.ops;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > CONTEXT_BACKUP_LIMITS.ops) fail(`it does not hold between 1 and ${CONTEXT_BACKUP_LIMITS.ops} ops`);
  const decoded = (ops as unknown[]).map((o, i) => {
    if (typeof o !== 'string') return fail(`op ${i} is not text`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64url(o);
    } catch {
      return fail(`op ${i} is not base64url`);
    }
    if (bytes.length > OP_LIMITS.encodedBytes) fail(`op ${i} is larger than an op may be`);
    return bytes;
  });
  return { context: raw.context as string, name: raw.name as string, secret: fromHex(raw.secret as string), signaling: signaling as string[], exportedAt, ops: decoded };
}
