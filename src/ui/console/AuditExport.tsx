import { useState } from 'react';
import type { AuditExportFormat } from '../../node/contexts/auditExport.ts';
import { downloadFile } from '../shell/downloadFile.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { plainError } from '../shell/plainWords.ts';

const BUTTONS: { format: AuditExportFormat; label: string }[] = [
  { format: 'json', label: 'Download JSON' },
  { format: 'csv', label: 'Download CSV' },
  { format: 'bundle', label: 'Download signed bundle' },
];

/** Download a context's audit log as JSON, CSV, or a bundle signed by this device. */
export function AuditExport({ contextId }: { contextId: string }) {
  const node = useNode();
  const [busy, setBusy] = useState<AuditExportFormat>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();

  async function download(format: AuditExportFormat) {
    setBusy(format);
    setSaved(undefined);
    setError(undefined);
    try {
      const file = await node.contexts.open(contextId).exportAudit(format);
      downloadFile(file);
      setSaved(`Saved ${file.filename}.`);
    } catch (e) {
      setError(`Could not export the audit log. ${plainError(e).text}`);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="audit-export" data-testid="audit-export">
      <p className="muted small">
        Export every op with its executor, device, verdict and re-run result. Anyone can check the signed bundle offline with{' '}
        <code>npm run verify-audit -- &lt;file&gt;</code>.
      </p>
      <div className="actions start">
        {BUTTONS.map(({ format, label }) => (
          <button key={format} type="button" className="button secondary" disabled={busy !== undefined} onClick={() => void download(format)}>
            {busy === format ? 'Preparing…' : label}
          </button>
        ))}
      </div>
      {saved && (
        <p className="result good small" role="status">
          {saved}
        </p>
      )}
      <ErrorAlert message={error} />
    </div>
  );
}
