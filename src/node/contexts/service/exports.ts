import type { Signer } from '../../../core/crypto/index.ts';
import { exportAuditFile, type AuditExportFormat, type AuditFile } from '../auditExport.ts';
import type { RunningContext } from '../openContext.ts';

/** The audit log of a running context as a file: JSON, CSV, or a bundle signed by `signer`. */
export function exportContextAudit(id: string, ctx: RunningContext, format: AuditExportFormat, signer: Signer, now: number): Promise<AuditFile> {
  const source = { id, name: ctx.replica.governance().name || ctx.record.name, replica: ctx.replica, entries: ctx.audit(), verifications: ctx.verifications() };
  return exportAuditFile(source, format, signer, now);
}
