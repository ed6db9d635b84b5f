import { open } from 'node:fs/promises';
import { AUDIT_BUNDLE_LIMITS, AuditBundleError, parseAuditBundle } from '../../src/core/audit/bundle.ts';
import { verifyAuditBundle, type BundleReport } from '../../src/core/audit/verify.ts';

/** What the CLI says and how it exits: 0 verified, 1 not verified (tampered, malformed), 2 wrong use. */
export interface VerifyOutcome {
  code: 0 | 1 | 2;
  lines: string[];
}

/** Read at most the bound plus one byte: a larger file is refused without reading it all. */
async function readBounded(path: string): Promise<{ text: string } | { tooLarge: number } | { error: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    return { error: `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    const size = (await handle.stat()).size;
    if (size > AUDIT_BUNDLE_LIMITS.fileBytes) return { tooLarge: size };
    // One byte more than the file claims: a file that grows meanwhile is caught too.
    const buffer = Buffer.alloc(size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > size) return { error: 'the file changed while it was read' };
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, bytesRead)) };
    } catch {
      return { error: 'the file is not UTF-8 text' };
    }
  } finally {
    await handle.close();
  }
}

function summary(r: BundleReport): string[] {
  const refused = Object.entries(r.refused).map(([reason, n]) => `${n} ${reason}`).join(', ');
  const exporter = r.exporter.root
    ? `${r.exporter.root} (device "${r.exporter.device}", key ${r.exporter.key.slice(0, 16)}…${r.exporter.revoked ? ', since revoked' : ''})`
    : `key ${r.exporter.key.slice(0, 16)}… (not a device of this context)`;
  return [
    `context:  ${r.context}${r.name ? ` ("${r.name}")` : ''}`,
    `exported: ${new Date(r.exportedAt).toISOString()} by ${exporter}`,
    `ops:      ${r.ops} in the bundle: ${r.valid} valid; ${refused ? `refused by the rules: ${refused}` : 'none refused by the rules'}`,
    `re-runs:  ${r.reruns.confirmed} confirmed, ${r.reruns.mismatch} mismatch, ${r.reruns.failed} failed (as the exporter recorded them; not re-run here)`,
  ];
}

/** Verify one bundle file: its size, its JSON, the exporter's signature, and every op by replay. */
export async function verifyAuditFile(path: string | undefined): Promise<VerifyOutcome> {
  if (!path) return { code: 2, lines: ['usage: npm run verify-audit -- <bundle.json>'] };
  const read = await readBounded(path);
  if ('error' in read) return { code: 1, lines: [`NOT VERIFIED: ${read.error}`] };
  if ('tooLarge' in read) return { code: 1, lines: [`NOT VERIFIED: the file is over ${AUDIT_BUNDLE_LIMITS.fileBytes} bytes, the most an audit bundle may be`] };
  let report: BundleReport;
  try {
    report = await verifyAuditBundle(parseAuditBundle(read.text));
  } catch (e) {
    if (e instanceof AuditBundleError) return { code: 1, lines: [`NOT VERIFIED: malformed bundle: ${e.message}`] };
    throw e;
  }
  const lines = summary(report);
  if (report.problems.length === 0) return { code: 0, lines: [...lines, 'VERIFIED: every op is genuine, its verdict replays, and the exporter signed this bundle'] };
  return { code: 1, lines: [...lines, `NOT VERIFIED: ${report.problems.length} problem(s):`, ...report.problems.map((p) => `  - ${p}`)] };
}
