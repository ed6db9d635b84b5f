import { bytesEqual } from '../core/crypto/bytes.ts';
import { ABI_VERSION } from './abi.ts';
import { RuntimeError } from './errors.ts';
import type { RuntimeLimits } from './limits.ts';
import type { AppManifest, MethodSpec } from './types.ts';

/** The export every app must have: it value_returns the method list (docs/abi.md). */
export const MANIFEST_EXPORT = '__tabnode_methods';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const EMPTY_OBJECT = new TextEncoder().encode('{}');

const ARG_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'json']);
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Parse what `__tabnode_methods` returned: `{"abi":1,"methods":[{name, kind, args}]}`.
 * `exported` tells which exports are functions and how many parameters each takes.
 */
export function parseManifest(output: Uint8Array | null, exported: ReadonlyMap<string, number>, limits: RuntimeLimits): AppManifest {
  const bad = (why: string) => new RuntimeError('bad-module', `${MANIFEST_EXPORT} returned a bad method list: ${why} (see docs/abi.md)`);
  if (!output) throw bad('nothing (call value_return with the JSON list)');
  if (output.length > limits.manifestBytes) throw bad(`${output.length} bytes, over the limit of ${limits.manifestBytes}`);
  let doc: unknown;
  try {
    doc = JSON.parse(strictUtf8.decode(output));
  } catch {
    throw bad('not UTF-8 JSON');
  }
  if (!isRecord(doc)) throw bad('not a JSON object {abi, methods}');
  if (doc.abi !== ABI_VERSION) throw bad(`abi is ${JSON.stringify(doc.abi)}; this runtime speaks ABI ${ABI_VERSION}`);
  if (!Array.isArray(doc.methods)) throw bad('"methods" is not an array');
  if (doc.methods.length > limits.methods) throw bad(`${doc.methods.length} methods, over the limit of ${limits.methods}`);
  const seen = new Set<string>();
  const methods: MethodSpec[] = doc.methods.map((entry: unknown, i: number): MethodSpec => {
    if (!isRecord(entry)) throw bad(`method ${i} is not an object`);
    const { name, kind, args } = entry;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw bad(`method ${i} has name ${JSON.stringify(name)}; names are 1-64 of A-Z a-z 0-9 _ starting with a letter`);
    }
    if (seen.has(name)) throw bad(`method "${name}" is declared twice`);
    seen.add(name);
    if (kind !== 'view' && kind !== 'mutation') throw bad(`method "${name}" has kind ${JSON.stringify(kind)}; use "view" or "mutation"`);
    if (!isRecord(args)) throw bad(`method "${name}" has no args object (use {} for none)`);
    const checked: Record<string, string> = {};
    for (const [arg, type] of Object.entries(args)) {
      if (typeof type !== 'string' || !ARG_TYPES.has(type.replace(/\?$/, ''))) {
        throw bad(`method "${name}" argument "${arg}" has type ${JSON.stringify(type)}; use one of ${[...ARG_TYPES].join(', ')}, optionally with a trailing ?`);
      }
      checked[arg] = type;
    }
    const params = exported.get(name);
    if (params === undefined) throw bad(`method "${name}" is not an exported function of the module`);
    if (params !== 0) throw bad(`method "${name}" takes ${params} parameters; methods take none and read their input with input()`);
    return { name, kind, args: checked };
  });
  return { abi: ABI_VERSION, methods };
}

/**
 * Check call input against the method's declared arguments; returns the bytes the module
 * will read (`{}` when the input is empty).
 */
export function checkInput(method: MethodSpec, input: Uint8Array, limits: RuntimeLimits): Uint8Array {
  return inputChecker(method)(input, limits);
}

/** checkInput for one method, its argument list read once: the loaded app keeps one per method. */
export function inputChecker(method: MethodSpec): (input: Uint8Array, limits: RuntimeLimits) => Uint8Array {
  const declared = Object.entries(method.args).map(([name, spec]) => {
    const optional = spec.endsWith('?');
    return { name, optional, type: optional ? spec.slice(0, -1) : spec };
  });
  const usage = () => `${method.name} ${JSON.stringify(method.args)}`;
  /** A copy of the last input that passed: the same bytes pass again without being parsed. */
  let passed: Uint8Array | null = null;
  return (input, limits) => {
    if (input.length > limits.inputBytes) throw new RuntimeError('bad-input', `the input is ${input.length} bytes, over the limit of ${limits.inputBytes}`);
    const bytes = input.length === 0 ? EMPTY_OBJECT : input;
    if (passed !== null && bytesEqual(passed, bytes)) return bytes;
    let args: unknown;
    try {
      args = JSON.parse(strictUtf8.decode(bytes));
    } catch {
      throw new RuntimeError('bad-input', `the input is not UTF-8 JSON; give an object: ${usage()}`);
    }
    if (!isRecord(args)) throw new RuntimeError('bad-input', `the input must be a JSON object: ${usage()}`);
    for (const name of Object.keys(args)) {
      if (!Object.hasOwn(method.args, name)) throw new RuntimeError('bad-input', `unexpected argument "${name}": ${usage()}`);
    }
    for (const { name, optional, type } of declared) {
      if (!Object.hasOwn(args, name)) {
        if (optional) continue;
        throw new RuntimeError('bad-input', `missing argument "${name}": ${usage()}`);
      }
      if (!fits(args[name], type)) throw new RuntimeError('bad-input', `argument "${name}" must be ${type === 'json' ? 'JSON' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`}: ${usage()}`);
    }
    passed = bytes.slice(); // the caller may change its buffer later
    return bytes;
  };
}

function fits(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    default:
      return true; // json
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
