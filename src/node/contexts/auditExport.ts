import { encodeAuditBundle, signAuditBundle, type BundleOp } from '../../core/audit/bundle.ts';
import { toCsv } from '../../core/audit/csv.ts';
import type { Replica } from '../../core/context/replica.ts';
import { toHex, type Signer } from '../../core/crypto/index.ts';
import type { AuditEntry, VerificationView } from './view.ts';

export type AuditExportFormat = 'json' | 'csv' | 'bundle';
export const AUDIT_EXPORT_FORMATS: readonly AuditExportFormat[] = ['json', 'csv', 'bundle'];

/** A file to save: its name, type and text. */
export interface AuditFile {
  filename: string;
  mimeType: string;
  text: string;
}

/** A bundle signed by a key the context does not know would not verify anywhere. */
export class AuditExporterNotInContextError extends Error {
  override readonly name = 'AuditExporterNotInContextError';
  constructor() {
    super('this device is not part of the context yet, so a bundle it signs would not verify: wait until it has joined (the JSON and CSV logs work now)');
  }
}

export class AuditExportFormatError extends Error {
  override readonly name = 'AuditExportFormatError';
  constructor(format: string) {
    super(`no audit export format "${format}": ask for one of ${AUDIT_EXPORT_FORMATS.join(', ')}`);
  }
}

/** Everything an export reads from a running context. */
export interface AuditSource {
  id: string;
  name: string;
  replica: Replica;
  entries: AuditEntry[];
  verifications: VerificationView[];
}

/** What each row of the log says, as plain fields (the JSON and CSV exports share it). */
function rowOf(e: AuditEntry) {
  return {
    time: new Date(e.time).toISOString(),
    op: e.key,
    kind: e.kind,
    method: e.call ?? '',
    executor: e.executor,
    device: e.device,
    verdict: e.valid ? 'valid' : (e.reason ?? 'refused'),
    rerun: e.verification ?? '',
  };
}

const CSV_COLUMNS = ['time', 'op', 'kind', 'method', 'executor', 'device', 'verdict', 'rerun'] as const;

export function auditLogJson(source: Pick<AuditSource, 'id' | 'name' | 'entries'>, exportedAt: number): string {
  const log = { format: 'tabnode-audit-log', version: 1, context: source.id, name: source.name, exportedAt: new Date(exportedAt).toISOString(), entries: source.entries.map(rowOf) };
  return JSON.stringify(log, null, 1);
}

export function auditLogCsv(entries: AuditEntry[]): string {
  return toCsv(CSV_COLUMNS, entries.map((e) => {
    const row = rowOf(e);
    return CSV_COLUMNS.map((c) => row[c]);
  }));
}

/** The context's ops (history and the refused ones kept), parents first, with the verdicts here. */
export function bundleOps(replica: Replica, verifications: VerificationView[]): BundleOp[] {
  const reruns = new Map(verifications.map((v) => [v.opKey, v.result]));
  return [...replica.dag.all()].map((c) => {
    const v = replica.verdict(c.key);
    const rerun = reruns.get(c.key);
    return { bytes: c.bytes, verdict: v ? (v.valid ? 'valid' : v.reason) : 'unknown', ...(rerun ? { rerun } : {}) };
  });
}

/** `tabnode-<what>-<name>-<id prefix>-<UTC time>`: sortable, and safe as a file name anywhere. */
export function exportBaseName(what: 'audit' | 'backup', source: Pick<AuditSource, 'id' | 'name'>, exportedAt: number): string {
  const slug = source.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'context';
  const stamp = new Date(exportedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `tabnode-${what}-${slug}-${source.id.slice(0, 8)}-${stamp}`;
}

/** The audit log as a file: JSON, CSV, or a bundle signed by this device's key (docs/audit-bundle.md). */
export async function exportAuditFile(source: AuditSource, format: AuditExportFormat, signer: Signer, exportedAt: number): Promise<AuditFile> {
  const base = exportBaseName('audit', source, exportedAt);
  switch (format) {
    case 'json':
      return { filename: `${base}.json`, mimeType: 'application/json', text: auditLogJson(source, exportedAt) };
    case 'csv':
      return { filename: `${base}.csv`, mimeType: 'text/csv', text: auditLogCsv(source.entries) };
    case 'bundle': {
      if (!source.replica.governance().keys.has(toHex(signer.publicKey))) throw new AuditExporterNotInContextError();
      const bundle = await signAuditBundle({ context: source.id, ops: bundleOps(source.replica, source.verifications), exportedAt, signer });
      return { filename: `${base}.bundle.json`, mimeType: 'application/json', text: encodeAuditBundle(bundle) };
    }
    default:
      throw new AuditExportFormatError(String(format));
  }
}
