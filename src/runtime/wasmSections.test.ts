import { describe, expect, test } from 'vitest';
import { RuntimeError } from './errors.ts';
import { withLimits } from './limits.ts';
import { checkModule } from './moduleCheck.ts';
import { WasmFormatError, formatSignature, readModuleShape } from './wasmSections.ts';

// Hand-made modules: the sections this parser reads, encoded byte by byte.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const I32 = 0x7f;
const I64 = 0x7e;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}
const name = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const module = (...sections: number[][]) => new Uint8Array([...HEADER, ...sections.flat()]);
const limits = (min: number, max?: number, flags = max === undefined ? 0 : 1) => [flags, ...leb(min), ...(max === undefined ? [] : leb(max))];
const memorySection = (...mems: number[][]) => section(5, vec(mems));
const types = (...sigs: [number[], number[]][]) => section(1, vec(sigs.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))])));
const imports = (...entries: number[][]) => section(2, vec(entries));
const funcImport = (mod: string, field: string, type: number) => [...name(mod), ...name(field), 0x00, ...leb(type)];
const memImport = (mod: string, field: string, l: number[]) => [...name(mod), ...name(field), 0x02, ...l];

const cap = withLimits();
const check = (bytes: Uint8Array) => {
  try {
    return checkModule(bytes, cap);
  } catch (error) {
    if (error instanceof RuntimeError) return `${error.code}: ${error.message}`;
    throw error;
  }
};

describe('readModuleShape', () => {
  test('reads memory limits, imports with signatures, and skips other sections', () => {
    const bytes = module(
      types([[I32, I32], [I32]], [[I64], []]),
      imports(funcImport('env', 'storage_has', 0), funcImport('env', 'odd', 1), memImport('env', 'memory', limits(2, 300))),
      section(0, [...name('custom'), 1, 2, 3]), // a custom section
      memorySection(limits(1, 1024)),
    );
    const shape = readModuleShape(bytes);
    expect(shape.memories).toEqual([{ min: 1, max: 1024, shared: false, wide: false }]);
    expect(shape.imports).toEqual([
      { module: 'env', name: 'storage_has', kind: 'function', signature: { params: ['i32', 'i32'], results: ['i32'] } },
      { module: 'env', name: 'odd', kind: 'function', signature: { params: ['i64'], results: [] } },
      { module: 'env', name: 'memory', kind: 'memory', limits: { min: 2, max: 300, shared: false, wide: false } },
    ]);
    expect(formatSignature(shape.imports[0]!.kind === 'function' ? shape.imports[0]!.signature : { params: [], results: [] })).toBe('(i32,i32)->i32');
  });

  test('multi-byte LEB128 and memory64 limits', () => {
    expect(readModuleShape(module(memorySection(limits(200, 70000)))).memories[0]).toMatchObject({ min: 200, max: 70000 });
    expect(readModuleShape(module(memorySection([0x05, ...leb(1), ...leb(2 ** 40)]))).memories[0]).toEqual({ min: 1, max: 2 ** 40, shared: false, wide: true });
  });

  test('refuses what it cannot read', () => {
    expect(() => readModuleShape(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(WasmFormatError);
    expect(() => readModuleShape(new Uint8Array([...HEADER.slice(0, 4), 0x0d, 0, 0x01, 0]))).toThrow(/version/);
    expect(() => readModuleShape(module([5, 10, 1]))).toThrow(/truncated/);
    expect(() => readModuleShape(module(section(5, [...vec([limits(1, 2)]), 0xff])))).toThrow(/past its content/);
    expect(() => readModuleShape(module(section(1, vec([[0x5f, 0x00]]))))).toThrow(/GC types/);
    expect(() => readModuleShape(module(section(5, [0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])))).toThrow(/longer than 5 bytes/);
    expect(() => readModuleShape(module(imports(funcImport('env', 'x', 3))))).toThrow(/type 3, which does not exist/);
  });
});

describe('checkModule', () => {
  test('memory: a maximum is required and capped; imported memory gets the cap as maximum', () => {
    expect(check(module(memorySection(limits(1, 1024))))).toEqual({ kind: 'own', initial: 1, maximum: 1024 });
    expect(check(module(memorySection(limits(1))))).toMatch(/^memory: .*no memory maximum/);
    expect(check(module(memorySection(limits(1, 1025))))).toMatch(/^memory: .*maximum of 1025 pages/);
    expect(check(module(memorySection(limits(1025, 2000))))).toMatch(/^memory: .*starts with 1025 pages/);
    expect(check(module(imports(memImport('env', 'memory', limits(3)))))).toEqual({ kind: 'imported', initial: 3, maximum: 1024 });
    expect(check(module(imports(memImport('env', 'memory', limits(3, 9)))))).toEqual({ kind: 'imported', initial: 3, maximum: 9 });
    expect(check(module(imports(memImport('env', 'memory', limits(3, 99999)))))).toEqual({ kind: 'imported', initial: 3, maximum: 1024 });
    expect(check(module(imports(memImport('env', 'memory', limits(2000)))))).toMatch(/^memory: .*starts with 2000 pages/);
    expect(check(module())).toEqual({ kind: 'none', initial: 0, maximum: 0 });
  });

  test('memory: shared, 64-bit and several memories are refused', () => {
    expect(check(module(memorySection(limits(1, 2, 0x03))))).toMatch(/^bad-module: .*shared memory/);
    expect(check(module(memorySection(limits(1, 2, 0x05))))).toMatch(/^bad-module: .*memory64/);
    expect(check(module(imports(memImport('env', 'memory', limits(1))), memorySection(limits(1, 2))))).toMatch(/^bad-module: .*2 memories/);
  });

  test('imports: only ABI v1 functions with their exact signatures, and env.memory', () => {
    const t = types([[I32, I32], [I32]], [[I32], []]);
    expect(check(module(t, imports(funcImport('env', 'storage_has', 0), funcImport('env', 'input', 1))))).toMatchObject({ kind: 'none' });
    expect(check(module(t, imports(funcImport('env', 'input', 0))))).toMatch(/^bad-module: .*env\.input as \(i32,i32\)->i32; ABI v1 defines it as \(i32\)/);
    expect(check(module(t, imports(funcImport('wasi_snapshot_preview1', 'clock_time_get', 0))))).toMatch(/wasi_snapshot_preview1\.clock_time_get \(function\).*no clock, randomness or network/);
    expect(check(module(t, imports(funcImport('env', 'whatever', 1))))).toMatch(/^bad-module: .*env\.whatever \(function\)\. See docs/);
    expect(check(module(imports(memImport('env', 'mem', limits(1)))))).toMatch(/env\.mem \(memory\)/);
  });

  test('tables must declare a bounded maximum', () => {
    const table = (l: number[]) => section(4, vec([[0x70, ...l]]));
    expect(check(module(table(limits(1, 10))))).toMatchObject({ kind: 'none' });
    expect(check(module(table(limits(1))))).toMatch(/^bad-module: a table declares no maximum/);
    expect(check(module(table(limits(1, 100000))))).toMatch(/maximum of 100000 entries/);
  });

  test('module size', () => {
    expect(() => checkModule(module(), withLimits({ moduleBytes: 4 }))).toThrow(/over the limit of 4/);
  });
});
