import { describe, expect, test } from 'vitest';
import { deltaBody, genesis, invite, joinBody, op, person, T0 } from '../context/testkit.ts';
import { toHex } from '../crypto/index.ts';
import { encodeOp, type Op } from '../ops/op.ts';
import { AUDIT_BUNDLE_LIMITS, AuditBundleError, encodeAuditBundle, parseAuditBundle, signAuditBundle, type AuditBundle, type BundleOp } from './bundle.ts';
import { verifyAuditBundle } from './verify.ts';

/** Alice owns a context, Bob joins as a reader and writes anyway (refused), Alice writes. */
async function scenario() {
  const [alice, bob, carol] = [await person('alice', 1), await person('bob', 2), await person('carol', 3)];
  const g = await genesis(alice);
  const join = await op(bob.device, g.id, [g], joinBody(bob.device, await invite(alice.device, g.id, { role: 'reader' })), T0 + 1000);
  const bobWrites = await op(bob.device, g.id, [join], deltaBody('from-bob'), T0 + 2000);
  const aliceWrites = await op(alice.device, g.id, [join], deltaBody('from-alice'), T0 + 3000);
  const entry = (o: Op, verdict: string): BundleOp => ({ bytes: encodeOp(o), verdict });
  const ops = [entry(g, 'valid'), entry(join, 'valid'), entry(bobWrites, 'insufficient-role'), { ...entry(aliceWrites, 'valid'), rerun: 'confirmed' as const }];
  return { alice, carol, context: g.id, ops };
}

async function signed(change: (s: Awaited<ReturnType<typeof scenario>>) => Partial<Parameters<typeof signAuditBundle>[0]> = () => ({})): Promise<AuditBundle> {
  const s = await scenario();
  return signAuditBundle({ context: toHex(s.context), ops: s.ops, exportedAt: T0 + 10_000, signer: s.alice.device.signer, ...change(s) });
}

describe('audit bundle', () => {
  test('encodes to JSON and parses back to the same bundle', async () => {
    const bundle = await signed();
    const text = encodeAuditBundle(bundle);
    expect(JSON.parse(text)).toMatchObject({ format: 'tabnode-audit-bundle', version: 1, statement: { opCount: 4, exportedAt: T0 + 10_000 } });
    expect(parseAuditBundle(text)).toEqual(bundle);
  });

  test('a genuine bundle verifies: ops, verdicts by replay, and the exporter', async () => {
    const s = await scenario();
    const report = await verifyAuditBundle(await signed());
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ops: 4, valid: 3, refused: { 'insufficient-role': 1 }, reruns: { confirmed: 1, mismatch: 0, failed: 0 } });
    expect(report.exporter).toMatchObject({ root: s.alice.rootId, device: 'alice', revoked: false });
  });

  test('a verdict the replay does not reach is caught, even when the exporter signed it', async () => {
    const bundle = await signed((s) => ({ ops: s.ops.map((o) => (o.verdict === 'insufficient-role' ? { ...o, verdict: 'valid' } : o)) }));
    const report = await verifyAuditBundle(bundle);
    expect(report.problems).toEqual([expect.stringMatching(/exporter says "valid", replaying the ops gives "insufficient-role"/)]);
  });

  test('an exporter that is not a device of the context is caught', async () => {
    const report = await verifyAuditBundle(await signed((s) => ({ signer: s.carol.device.signer })));
    expect(report.problems).toEqual([expect.stringMatching(/not a device of this context/)]);
  });

  test('a flipped byte in an op fails its signature and the signed list', async () => {
    const bundle = await signed();
    const bytes = bundle.ops[3]!.bytes.slice();
    bytes[bytes.length - 70]! ^= 1;
    const report = await verifyAuditBundle({ ...bundle, ops: bundle.ops.map((o, i) => (i === 3 ? { ...o, bytes } : o)) });
    expect(report.problems.join('\n')).toMatch(/ops differ from the ones the exporter signed/);
    expect(report.problems.join('\n')).toMatch(/not genuine \(bad-signature\)/);
  });

  test('a removed op leaves its children without parents and breaks the statement', async () => {
    const bundle = await signed();
    const report = await verifyAuditBundle({ ...bundle, ops: bundle.ops.filter((_, i) => i !== 1) });
    expect(report.problems.join('\n')).toMatch(/covers 4 ops but the bundle holds 3/);
    expect(report.problems.join('\n')).toMatch(/2 ops name parents that are not in the bundle/);
  });

  test('an op listed twice is caught, even when the exporter signed it', async () => {
    const report = await verifyAuditBundle(await signed((s) => ({ ops: [...s.ops, s.ops[3]!] })));
    expect(report.problems).toEqual([expect.stringMatching(/op [0-9a-f]{12}… is listed twice/)]);
  });

  test('a changed statement no longer carries the exporter’s signature', async () => {
    const bundle = await signed();
    const report = await verifyAuditBundle({ ...bundle, statement: { ...bundle.statement, exportedAt: bundle.statement.exportedAt + 1 } });
    expect(report.problems).toEqual([expect.stringMatching(/statement was changed, or not signed/)]);
  });

  test.each([
    ['not JSON', '{"format":', /not JSON/],
    ['another format', '{"format":"other"}', /not a Tabnode audit bundle/],
    ['another version', '{"format":"tabnode-audit-bundle","version":2}', /version 2 is not supported/],
    ['no statement', '{"format":"tabnode-audit-bundle","version":1,"ops":[]}', /"statement" must be an object/],
  ])('parsing refuses %s', (_name, text, message) => {
    expect(() => parseAuditBundle(text)).toThrow(AuditBundleError);
    expect(() => parseAuditBundle(text)).toThrow(message);
  });

  test('parsing refuses bad fields with the field named', async () => {
    const good = JSON.parse(encodeAuditBundle(await signed()));
    const withOp = (o: object) => JSON.stringify({ ...good, ops: [o] });
    expect(() => parseAuditBundle(JSON.stringify({ ...good, signature: 'zz' }))).toThrow(/"signature" must be 128 lowercase hex digits/);
    expect(() => parseAuditBundle(withOp({ bytes: '!!', verdict: 'valid' }))).toThrow(/op #0's bytes: not valid base64url/);
    expect(() => parseAuditBundle(withOp({ bytes: 'AA', verdict: 'valid', rerun: 'maybe' }))).toThrow(/op #0's rerun must be one of/);
  });

  test('parsing refuses text over the size bound before reading it', () => {
    expect(() => parseAuditBundle(' '.repeat(AUDIT_BUNDLE_LIMITS.fileBytes + 1))).toThrow(/over the 67108864 a bundle may be/);
  });
});
