import { afterEach, describe, expect, test } from 'vitest';
import { parseAuditBundle } from '../../core/audit/bundle.ts';
import { verifyAuditBundle } from '../../core/audit/verify.ts';
import type { TabnodeNode } from '../createNode.ts';
import { auditedContext } from './auditedContext.testing.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode } from '../testing.ts';
import { AuditExporterNotInContextError, AuditExportFormatError, type AuditExportFormat } from './auditExport.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('audit export', () => {
  test('JSON, CSV and a signed bundle of one context, each with its file name', async () => {
    const { admin, id, refusedKey } = await auditedContext(nodes);

    const json = await admin.contexts.open(id).exportAudit('json');
    expect(json).toMatchObject({ mimeType: 'application/json', filename: expect.stringMatching(new RegExp(`^tabnode-audit-audit-q4-cmd-${id.slice(0, 8)}-\\d{8}T\\d{6}Z\\.json$`)) });
    const log = JSON.parse(json.text);
    expect(log).toMatchObject({ format: 'tabnode-audit-log', version: 1, context: id, name: 'Audit "Q4", =cmd' });
    // Under load a joiner may sign its join twice (the second is refused): count, don't list.
    const kinds: string[] = log.entries.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('genesis');
    // Contexts made by the node are encrypted: every state delta is sealed.
    expect(kinds.filter((k) => k === 'sealed-delta')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'delta')).toHaveLength(0);
    expect(kinds.filter((k) => k === 'join').length).toBeGreaterThanOrEqual(2);
    expect(log.entries.find((e: { op: string }) => e.op === refusedKey)).toMatchObject({ kind: 'sealed-delta', method: 'set', device: 'C', verdict: 'insufficient-role' });
    expect(log.entries.filter((e: { rerun: string }) => e.rerun === 'confirmed').length).toBeGreaterThanOrEqual(1);
    expect(log.entries[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const csv = await admin.contexts.open(id).exportAudit('csv');
    expect(csv.filename).toMatch(/\.csv$/);
    const rows = csv.text.split('\r\n');
    expect(rows[0]).toBe('time,op,kind,method,executor,device,verdict,rerun');
    expect(rows).toHaveLength(log.entries.length + 2); // the last row ends with CRLF too
    expect(rows.find((r) => r.includes(refusedKey))).toMatch(/,sealed-delta,set,tabnode:local:[^,]+,C,insufficient-role,/);

    const file = await admin.contexts.open(id).exportAudit('bundle');
    expect(file.filename).toMatch(/\.bundle\.json$/);
    const report = await verifyAuditBundle(parseAuditBundle(file.text));
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ context: id, ops: kinds.length, refused: { 'insufficient-role': 1 }, exporter: { device: 'A' } });
    expect(report.valid).toBe(log.entries.filter((e: { verdict: string }) => e.verdict === 'valid').length);
    expect(report.reruns.confirmed).toBeGreaterThanOrEqual(1);

    await expect(admin.contexts.open(id).exportAudit('xml' as AuditExportFormat)).rejects.toThrow(AuditExportFormatError);
  }, 40_000);

  test('a device not yet in the context is told to wait before it signs a bundle', async () => {
    const { admin, id } = await auditedContext(nodes);
    const link = await admin.contexts.open(id).invite({ role: 'writer' });
    // On a mesh of its own: it never reaches the members, so it never joins.
    const alone = await testNode(memoryMeshHub(realTimeScheduler), 'D');
    nodes.push(alone);
    await alone.contexts.join(link);
    await expect(alone.contexts.open(id).exportAudit('bundle')).rejects.toThrow(AuditExporterNotInContextError);
    expect((await alone.contexts.open(id).exportAudit('csv')).text).toBe('time,op,kind,method,executor,device,verdict,rerun\r\n');
  }, 40_000);
});
