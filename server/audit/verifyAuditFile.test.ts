import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUDIT_BUNDLE_LIMITS } from '../../src/core/audit/bundle.ts';
import type { TabnodeNode } from '../../src/node/createNode.ts';
import { auditedContext } from '../../src/node/contexts/auditedContext.testing.ts';
import { verifyAuditFile } from './verifyAuditFile.ts';

const nodes: TabnodeNode[] = [];
let dir: string;
let good: string;
let bundle: { statement: { exportedAt: number }; ops: { bytes: string; verdict: string }[] };

beforeAll(async () => {
  const { admin, id } = await auditedContext(nodes);
  const file = await admin.contexts.open(id).exportAudit('bundle');
  dir = await mkdtemp(join(tmpdir(), 'tabnode-audit-'));
  good = join(dir, file.filename);
  await writeFile(good, file.text);
  bundle = JSON.parse(file.text);
}, 40_000);

afterAll(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Write a changed copy of the good bundle and verify it. */
async function verifyCopy(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return verifyAuditFile(path);
}

/** One character of an op's base64url bytes changed for another. */
function flipOpByte(b64: string, at: number): string {
  const c = b64[at]!;
  return `${b64.slice(0, at)}${c === 'A' ? 'B' : 'A'}${b64.slice(at + 1)}`;
}

describe('npm run verify-audit', () => {
  test('a genuine bundle verifies, with a summary of ops, verdicts and exporter', async () => {
    const outcome = await verifyAuditFile(good);
    expect(outcome.code).toBe(0);
    const text = outcome.lines.join('\n');
    const valid = bundle.ops.filter((o) => o.verdict === 'valid').length;
    expect(text).toMatch(new RegExp(`ops: +${bundle.ops.length} in the bundle: ${valid} valid; refused by the rules: .*1 insufficient-role`));
    expect(text).toMatch(/by tabnode:local:\S+ \(device "A"/);
    expect(text).toMatch(/^VERIFIED/m);
  });

  test('a flipped byte in an op is refused, naming the op and why', async () => {
    const ops = bundle.ops.map((o, i) => (i === 4 ? { ...o, bytes: flipOpByte(o.bytes, o.bytes.length - 40) } : o));
    const outcome = await verifyCopy('flipped.json', JSON.stringify({ ...bundle, ops }));
    expect(outcome.code).toBe(1);
    expect(outcome.lines.join('\n')).toMatch(/ops differ from the ones the exporter signed/);
    expect(outcome.lines.join('\n')).toMatch(/op [0-9a-f]{12}… is not genuine \((bad-signature|malformed)\)/);
  });

  test('a removed op is refused', async () => {
    // The genesis: every other op descends from it.
    const outcome = await verifyCopy('removed.json', JSON.stringify({ ...bundle, ops: bundle.ops.slice(1) }));
    expect(outcome.code).toBe(1);
    expect(outcome.lines.join('\n')).toMatch(new RegExp(`covers ${bundle.ops.length} ops but the bundle holds ${bundle.ops.length - 1}`));
    expect(outcome.lines.join('\n')).toMatch(/name parents that are not in the bundle/);
  });

  test('a changed statement is refused', async () => {
    const outcome = await verifyCopy('statement.json', JSON.stringify({ ...bundle, statement: { ...bundle.statement, exportedAt: bundle.statement.exportedAt - 86_400_000 } }));
    expect(outcome.code).toBe(1);
    expect(outcome.lines.join('\n')).toMatch(/statement was changed, or not signed by the key it names/);
  });

  test('a changed verdict is refused', async () => {
    const ops = bundle.ops.map((o) => (o.verdict === 'insufficient-role' ? { ...o, verdict: 'valid' } : o));
    const outcome = await verifyCopy('verdict.json', JSON.stringify({ ...bundle, ops }));
    expect(outcome.code).toBe(1);
    expect(outcome.lines.join('\n')).toMatch(/verdicts differ from the ones the exporter signed/);
    expect(outcome.lines.join('\n')).toMatch(/exporter says "valid", replaying the ops gives "insufficient-role"/);
  });

  test('malformed JSON, a file over the size bound, a missing file and no file are refused', async () => {
    const cut = (await readFile(good, 'utf8')).slice(0, 500);
    expect(await verifyCopy('cut.json', cut)).toMatchObject({ code: 1, lines: [expect.stringMatching(/^NOT VERIFIED: malformed bundle: not JSON/)] });
    const huge = join(dir, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, AUDIT_BUNDLE_LIMITS.fileBytes + 1); // sparse: no real 64 MiB written
    expect(await verifyAuditFile(huge)).toMatchObject({ code: 1, lines: [expect.stringMatching(/over 67108864 bytes, the most an audit bundle may be/)] });
    expect(await verifyAuditFile(join(dir, 'absent.json'))).toMatchObject({ code: 1, lines: [expect.stringMatching(/cannot open .*absent\.json: ENOENT/)] });
    expect(await verifyAuditFile(undefined)).toMatchObject({ code: 2, lines: [expect.stringMatching(/^usage: npm run verify-audit -- <bundle\.json>/)] });
  });

  test('the CLI, run as a process, exits 0 on the genuine bundle and 1 on a tampered copy', async () => {
    const cli = fileURLToPath(new URL('./verifyAuditCli.ts', import.meta.url));
    const run = (file: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ['--import', 'tsx', cli, file], (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
      });
    const ok = await run(good);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^VERIFIED/m);
    const tampered = join(dir, 'tampered-cli.json');
    await writeFile(tampered, JSON.stringify({ ...bundle, ops: bundle.ops.slice(0, -1) }));
    const bad = await run(tampered);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^NOT VERIFIED: \d+ problem/m);
  }, 30_000);
});
