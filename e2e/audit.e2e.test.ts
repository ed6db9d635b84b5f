// Audit export between real Chromium peers: two members write, the admin downloads the
// signed bundle (and the JSON and CSV logs) from the console, and `npm run verify-audit`
// verifies it offline; a copy with one byte changed fails.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, type App, type Peers } from './harness.ts';
import { contextView, signIn } from './tabnode.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let app: App;
let peers: Peers;
let A: Page, B: Page;
let dir: string;
let id: string;

/** `npm run verify-audit -- <file>` as a user runs it: its exit code and what it printed. */
function verifyAudit(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'verify-audit', '--', file], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Click a download button of the audit export and save what the browser downloads. */
async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tabnode-audit-e2e-'));
  app = await startApp();
  peers = await launchPeers(2, { app });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
  await Promise.all([signIn(A, 'Alice laptop'), signIn(B, 'Bob laptop')]);
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('audit export', () => {
  test('two members write; the admin’s signed bundle verifies offline, a changed copy does not', async () => {
    id = await A.evaluate(() => window.tabnode!.contexts.create('Quarterly audit', { verifiable: true }));
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), id);
    await B.evaluate((l) => window.tabnode!.contexts.join(l), link);
    await eventually('B joined', () => contextView(B, id), (v) => !v.joining);
    await A.evaluate((i) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: 'budget', value: 100 } }), id);
    const bWrite = await B.evaluate((i) => window.tabnode!.contexts.open(i).write({ method: 'set', args: { key: 'owner', value: '=Bob' } }), id);
    expect(bWrite.valid).toBe(true);
    await eventually('A re-ran and confirmed B’s write', () => A.evaluate((i) => window.tabnode!.contexts.open(i).audit(), id), (log) => log.some((e) => e.key === bWrite.key && e.verification === 'confirmed'));

    await A.goto(`${app.url}console`);
    await eventually('the audit log lists the four ops', () => A.locator('[data-testid=audit] tbody tr').count(), (n) => n >= 4);
    const exportPanel = A.getByTestId('audit-export');
    await exportPanel.getByRole('button', { name: 'Download signed bundle' }).waitFor();

    const bundle = await download(A, 'Download signed bundle');
    expect(bundle).toMatch(new RegExp(`tabnode-audit-quarterly-audit-${id.slice(0, 8)}-\\d{8}T\\d{6}Z\\.bundle\\.json$`));
    await eventually('the export says where it saved', () => exportPanel.getByRole('status').textContent(), (t) => Boolean(t?.startsWith('Saved tabnode-audit-')));
    await screenshot(A, 'audit-export');

    const ops: { verdict: string }[] = JSON.parse(await readFile(bundle, 'utf8')).ops;
    // genesis, the invite's key grant, join, Bob's grant to his device, two sealed writes.
    expect(ops.filter((o) => o.verdict === 'valid')).toHaveLength(6);
    const verified = await verifyAudit(bundle);
    // Under load a joiner may sign its join twice (the second refused): counted, not assumed.
    expect(verified.output).toMatch(new RegExp(`ops: +${ops.length} in the bundle: 6 valid;`));
    expect(verified.output).toMatch(/device "Alice laptop"/);
    expect(verified.output).toMatch(/^VERIFIED/m);
    expect(verified.code).toBe(0);

    // One byte changed inside the last op's bytes (a base64url character for another).
    const text = await readFile(bundle, 'utf8');
    const at = text.lastIndexOf('"bytes": "') + 30;
    const changed = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const tampered = join(dir, 'tampered.bundle.json');
    await writeFile(tampered, changed);
    const refused = await verifyAudit(tampered);
    expect(refused.output).toMatch(/NOT VERIFIED/);
    expect(refused.output).toMatch(/ops differ from the ones the exporter signed/);
    expect(refused.code).toBe(1);
  });

  test('the JSON and CSV logs download with every op, its executor, device and verdict', async () => {
    const json = JSON.parse(await readFile(await download(A, 'Download JSON'), 'utf8'));
    expect(json).toMatchObject({ format: 'tabnode-audit-log', context: id, name: 'Quarterly audit' });
    type Row = { op: string; kind: string; device: string; verdict: string; rerun: string; method: string };
    const rows: Row[] = json.entries;
    const valid = rows.filter((e) => e.verdict === 'valid');
    // The context is encrypted: the invite is granted the key as it is made, Bob's device once he joined, and writes are sealed.
    expect(valid.map((e) => `${e.kind} by ${e.device}`)).toEqual([
      'genesis by Alice laptop',
      'grant-epoch by Alice laptop',
      'join by Bob laptop',
      'grant-epoch by Bob laptop',
      'sealed-delta by Alice laptop',
      'sealed-delta by Bob laptop',
    ]);
    const bobsWrite = valid[5]!;
    expect(bobsWrite).toMatchObject({ method: 'set', rerun: 'confirmed' });
    const csv = await readFile(await download(A, 'Download CSV'), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,op,kind,method,executor,device,verdict,rerun');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines.find((l) => l.includes(bobsWrite.op))).toMatch(new RegExp(`,${bobsWrite.op},sealed-delta,set,tabnode:local:\\w+,Bob laptop,valid,confirmed$`));

    await A.setViewportSize({ width: 375, height: 800 });
    await A.getByTestId('audit-export').scrollIntoViewIfNeeded();
    await screenshot(A, 'audit-export-narrow');
  });
});
