import { bytes, encodeWith, fixedBytes, list, string, struct, varuint } from '../codec/index.ts';
import { fromBase64url, toBase64url } from '../codec/text.ts';
import { fromHex, taggedHash, toHex, verifyEd25519, type Signer } from '../crypto/index.ts';
import { OP_LIMITS } from '../ops/op.ts';

/**
 * A signed audit bundle (docs/audit-bundle.md): a context's ops as their canonical signed
 * bytes, the exporter's verdict on each, and the exporter's statement over both, signed
 * by its device key. JSON, so people can read it; every check is on bytes inside it.
 */
export const AUDIT_BUNDLE_FORMAT = 'tabnode-audit-bundle';
export const AUDIT_BUNDLE_VERSION = 1;

/** Every bound on a bundle, in one place. */
export const AUDIT_BUNDLE_LIMITS = {
  /** The whole JSON file: checked before it is read or parsed. */
  fileBytes: 64 * 1024 * 1024,
  ops: 50_000,
  /** A verdict is `valid` or a refusal reason; a re-run result is a short word. */
  verdictBytes: 64,
  rerunBytes: 16,
} as const;

export type RerunResult = 'confirmed' | 'mismatch' | 'failed';
const RERUN_RESULTS: readonly string[] = ['confirmed', 'mismatch', 'failed'];

/** One op as the exporter holds it, with its verdict there and, for a recorded call, its re-run result. */
export interface BundleOp {
  /** The op's canonical signed bytes (what peers store and relay). */
  bytes: Uint8Array;
  /** `valid`, or the reason the rules refuse it. */
  verdict: string;
  rerun?: RerunResult;
}

/** What the exporter signs. */
export interface AuditStatement {
  /** The context id (hex). */
  context: string;
  /** Milliseconds since the epoch, as the exporter's clock said. */
  exportedAt: number;
  /** The exporter's device (client) key, hex. */
  exporter: string;
  opCount: number;
  /** hex of the tagged SHA-256 of the ops' bytes, in bundle order. */
  opsHash: string;
  /** hex of the tagged SHA-256 of the verdicts and re-run results, in bundle order. */
  verdictsHash: string;
}

export interface AuditBundle {
  statement: AuditStatement;
  ops: BundleOp[];
  /** hex Ed25519 signature by `statement.exporter` over the statement's canonical bytes. */
  signature: string;
}

/** A bundle that is not one: wrong shape, too large, or not signable. */
export class AuditBundleError extends Error {
  override readonly name = 'AuditBundleError';
}

const id32 = fixedBytes(32);
const statementSchema = struct({ context: id32, exportedAt: varuint, exporter: id32, opCount: varuint, opsHash: id32, verdictsHash: id32 });
const opsSchema = list(bytes(OP_LIMITS.encodedBytes), AUDIT_BUNDLE_LIMITS.ops);
const verdictsSchema = list(struct({ verdict: string(AUDIT_BUNDLE_LIMITS.verdictBytes), rerun: string(AUDIT_BUNDLE_LIMITS.rerunBytes) }), AUDIT_BUNDLE_LIMITS.ops);

export function opsHash(ops: readonly BundleOp[]): string {
  return toHex(taggedHash('tabnode/audit-ops/v1', encodeWith(opsSchema, ops.map((o) => o.bytes))));
}

export function verdictsHash(ops: readonly BundleOp[]): string {
  return toHex(taggedHash('tabnode/audit-verdicts/v1', encodeWith(verdictsSchema, ops.map((o) => ({ verdict: o.verdict, rerun: o.rerun ?? '' })))));
}

/** The bytes the exporter's signature covers: the statement in canonical binary form. */
function statementBytes(s: AuditStatement): Uint8Array {
  const encoded = encodeWith(statementSchema, { ...s, context: fromHex(s.context), exporter: fromHex(s.exporter), opsHash: fromHex(s.opsHash), verdictsHash: fromHex(s.verdictsHash) });
  return taggedHash('tabnode/audit-statement/v1', encoded);
}

/** Make a bundle of `ops` (parents first) and sign its statement with the exporter's device key. */
export async function signAuditBundle(p: { context: string; ops: BundleOp[]; exportedAt: number; signer: Signer }): Promise<AuditBundle> {
  if (p.ops.length > AUDIT_BUNDLE_LIMITS.ops) {
    throw new AuditBundleError(`this context has ${p.ops.length} ops, over the ${AUDIT_BUNDLE_LIMITS.ops} a bundle holds: export the JSON or CSV log instead`);
  }
  const statement: AuditStatement = {
    context: p.context,
    exportedAt: p.exportedAt,
    exporter: toHex(p.signer.publicKey),
    opCount: p.ops.length,
    opsHash: opsHash(p.ops),
    verdictsHash: verdictsHash(p.ops),
  };
  const signature = toHex(await p.signer.sign(statementBytes(statement)));
  return { statement, ops: p.ops, signature };
}

/** Whether the statement is signed by the key it names. Never throws. */
export async function statementSigned(b: AuditBundle): Promise<boolean> {
  try {
    return await verifyEd25519(fromHex(b.statement.exporter), statementBytes(b.statement), fromHex(b.signature));
  } catch {
    return false;
  }
}

/** The bundle as the JSON text of the file; over the size bound throws AuditBundleError. */
export function encodeAuditBundle(b: AuditBundle): string {
  const text = JSON.stringify(
    {
      format: AUDIT_BUNDLE_FORMAT,
      version: AUDIT_BUNDLE_VERSION,
      statement: b.statement,
      signature: b.signature,
      ops: b.ops.map((o) => ({ bytes: toBase64url(o.bytes), verdict: o.verdict, ...(o.rerun ? { rerun: o.rerun } : {}) })),
    },
    null,
    1,
  );
  if (text.length > AUDIT_BUNDLE_LIMITS.fileBytes) {
    throw new AuditBundleError(`the bundle would be ${text.length} bytes, over the ${AUDIT_BUNDLE_LIMITS.fileBytes} a bundle may be: export the JSON or CSV log instead`);
  }
  return text;
}

type Json = Record<string, unknown>;

function field<T>(o: Json, name: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[name];
  if (!check(v)) throw new AuditBundleError(`"${name}" must be ${what}`);
  return v;
}
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHex32 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{128}$/.test(v);

function parseOp(v: unknown, i: number): BundleOp {
  if (!isObject(v)) throw new AuditBundleError(`op #${i} must be an object`);
  const encoded = field(v, 'bytes', isString, `base64url text (op #${i})`);
  const verdict = field(v, 'verdict', isString, `text (op #${i})`);
  if (verdict.length > AUDIT_BUNDLE_LIMITS.verdictBytes) throw new AuditBundleError(`op #${i}'s verdict is over ${AUDIT_BUNDLE_LIMITS.verdictBytes} characters`);
  if (encoded.length > Math.ceil((OP_LIMITS.encodedBytes * 4) / 3) + 4) throw new AuditBundleError(`op #${i} is over ${OP_LIMITS.encodedBytes} bytes`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(encoded);
  } catch (e) {
    throw new AuditBundleError(`op #${i}'s bytes: ${(e as Error).message}`);
  }
  const rerun = v.rerun;
  if (rerun !== undefined && !(isString(rerun) && RERUN_RESULTS.includes(rerun))) throw new AuditBundleError(`op #${i}'s rerun must be one of ${RERUN_RESULTS.join(', ')}`);
  return { bytes, verdict, ...(rerun ? { rerun: rerun as RerunResult } : {}) };
}

/**
 * Read a bundle file's text (untrusted): size first, then JSON, then every field's shape.
 * Throws AuditBundleError saying what is wrong. Signatures are not checked here.
 */
export function parseAuditBundle(text: string): AuditBundle {
  if (text.length > AUDIT_BUNDLE_LIMITS.fileBytes) throw new AuditBundleError(`the file is ${text.length} bytes, over the ${AUDIT_BUNDLE_LIMITS.fileBytes} a bundle may be`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new AuditBundleError(`not JSON: ${(e as Error).message}`);
  }
  if (!isObject(root) || root.format !== AUDIT_BUNDLE_FORMAT) throw new AuditBundleError(`not a Tabnode audit bundle (its "format" must be "${AUDIT_BUNDLE_FORMAT}")`);
  if (root.version !== AUDIT_BUNDLE_VERSION) throw new AuditBundleError(`bundle version ${String(root.version)} is not supported (this tool reads version ${AUDIT_BUNDLE_VERSION})`);
  const s = field(root, 'statement', isObject, 'an object');
  const statement: AuditStatement = {
    context: field(s, 'context', isHex32, '64 lowercase hex digits'),
    exportedAt: field(s, 'exportedAt', isCount, 'a whole number of milliseconds'),
    exporter: field(s, 'exporter', isHex32, '64 lowercase hex digits'),
    opCount: field(s, 'opCount', isCount, 'a count'),
    opsHash: field(s, 'opsHash', isHex32, '64 lowercase hex digits'),
    verdictsHash: field(s, 'verdictsHash', isHex32, '64 lowercase hex digits'),
  };
  const signature = field(root, 'signature', isHex64, '128 lowercase hex digits');
  const ops = field(root, 'ops', Array.isArray, 'a list');
  if (ops.length > AUDIT_BUNDLE_LIMITS.ops) throw new AuditBundleError(`the bundle lists ${ops.length} ops, over the ${AUDIT_BUNDLE_LIMITS.ops} a bundle may hold`);
  return { statement, signature, ops: ops.map(parseOp) };
}
