/**
 * Just enough of the WebAssembly binary format to check a module before running it: the
 * JavaScript API says nothing about memory limits or import signatures, so we read the
 * type, import, table and memory sections ourselves (spec §5). Everything else is skipped
 * by section size; compiling the module (WebAssembly.compile) validates the rest.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'ref';

export interface Limits {
  min: number;
  max: number | null;
  shared: boolean;
  /** memory64 / table64: 64-bit indices. */
  wide: boolean;
}

export interface FuncSignature {
  params: ValType[];
  results: ValType[];
}

export type ImportEntry =
  | { module: string; name: string; kind: 'function'; signature: FuncSignature }
  | { module: string; name: string; kind: 'memory'; limits: Limits }
  | { module: string; name: string; kind: 'table'; limits: Limits }
  | { module: string; name: string; kind: 'global' | 'tag' };

export interface ModuleShape {
  imports: ImportEntry[];
  /** Memories the module defines itself (the memory section). */
  memories: Limits[];
  /** Tables the module defines itself. */
  tables: Limits[];
}

/** The bytes are not a WebAssembly module we can read (or use an encoding we do not accept). */
export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';
}

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_TABLE = 4;
const SECTION_MEMORY = 5;

export function readModuleShape(bytes: Uint8Array): ModuleShape {
  const r = new ByteReader(bytes);
  const magic = r.bytes(4);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    throw new WasmFormatError('not a WebAssembly module (the file does not start with \\0asm)');
  }
  const version = r.bytes(4);
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) {
    throw new WasmFormatError('not a WebAssembly 1.0 binary module (wrong version field; a component or text file?)');
  }
  let types: FuncSignature[] = [];
  const shape: ModuleShape = { imports: [], memories: [], tables: [] };
  while (!r.done()) {
    const id = r.u8();
    const size = r.u32();
    const body = new ByteReader(r.bytes(size));
    switch (id) {
      case SECTION_TYPE:
        types = readTypes(body);
        break;
      case SECTION_IMPORT:
        shape.imports = readImports(body, types);
        break;
      case SECTION_TABLE:
        shape.tables = body.vec(() => readTable(body));
        break;
      case SECTION_MEMORY:
        shape.memories = body.vec(() => readLimits(body));
        break;
      default:
        continue; // not needed: skipped by size
    }
    if (!body.done()) throw new WasmFormatError(`section ${id} has ${body.left()} bytes past its content`);
  }
  return shape;
}

function readTypes(r: ByteReader): FuncSignature[] {
  return r.vec(() => {
    const form = r.u8();
    // 0x4e/0x50/0x4f/0x5f/0x5e: GC proposal types (rec groups, structs, arrays).
    if (form !== 0x60) throw new WasmFormatError(`type form 0x${form.toString(16)} is not a plain function type (GC types are not accepted)`);
    return { params: r.vec(() => readValType(r)), results: r.vec(() => readValType(r)) };
  });
}

function readImports(r: ByteReader, types: FuncSignature[]): ImportEntry[] {
  return r.vec((): ImportEntry => {
    const module = r.name();
    const name = r.name();
    const kind = r.u8();
    switch (kind) {
      case 0x00: {
        const index = r.u32();
        const signature = types[index];
        if (!signature) throw new WasmFormatError(`import ${module}.${name} names type ${index}, which does not exist`);
        return { module, name, kind: 'function', signature };
      }
      case 0x01:
        return { module, name, kind: 'table', limits: readTable(r) };
      case 0x02:
        return { module, name, kind: 'memory', limits: readLimits(r) };
      case 0x03:
        readValType(r);
        r.u8(); // mutability
        return { module, name, kind: 'global' };
      case 0x04:
        r.u8(); // attribute
        r.u32(); // type index
        return { module, name, kind: 'tag' };
      default:
        throw new WasmFormatError(`import ${module}.${name} has unknown kind 0x${kind.toString(16)}`);
    }
  });
}

function readTable(r: ByteReader): Limits {
  if (r.peek() === 0x40) throw new WasmFormatError('tables with an initializer expression are not accepted');
  readValType(r); // the element reference type
  return readLimits(r);
}

function readLimits(r: ByteReader): Limits {
  const flags = r.u8();
  if (flags > 0x07) throw new WasmFormatError(`limits flags 0x${flags.toString(16)} are not supported (custom page sizes?)`);
  const wide = (flags & 0x04) !== 0;
  const min = wide ? r.u64() : r.u32();
  const max = flags & 0x01 ? (wide ? r.u64() : r.u32()) : null;
  return { min, max, shared: (flags & 0x02) !== 0, wide };
}

function readValType(r: ByteReader): ValType {
  const t = r.u8();
  switch (t) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    case 0x63: // (ref null ht)
    case 0x64: // (ref ht)
      r.s33(); // heap type
      return 'ref';
    default:
      throw new WasmFormatError(`unknown value type 0x${t.toString(16)}`);
  }
}

/** A bounded reader: every read checks the end, LEB128 reads check their length. */
class ByteReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }
  left(): number {
    return this.buf.length - this.pos;
  }
  peek(): number {
    if (this.pos >= this.buf.length) throw truncated();
    return this.buf[this.pos]!;
  }
  u8(): number {
    const b = this.peek();
    this.pos++;
    return b;
  }
  bytes(n: number): Uint8Array {
    if (n > this.left()) throw truncated();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Unsigned LEB128, at most 5 bytes, value < 2^32. */
  u32(): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new WasmFormatError('a u32 LEB128 value is out of range');
        return result;
      }
    }
    throw new WasmFormatError('a u32 LEB128 value is longer than 5 bytes');
  }
  /** Unsigned LEB128 up to 10 bytes; exact below 2^53, else Infinity (only compared to caps). */
  u64(): number {
    let result = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return Number.isSafeInteger(result) ? result : Infinity;
    }
    throw new WasmFormatError('a u64 LEB128 value is longer than 10 bytes');
  }
  /** Signed 33-bit LEB128 (heap types): read and dropped. */
  s33(): void {
    for (let i = 0; i < 5; i++) if ((this.u8() & 0x80) === 0) return;
    throw new WasmFormatError('an s33 LEB128 value is longer than 5 bytes');
  }
  name(): string {
    const bytes = this.bytes(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new WasmFormatError('an import name is not valid UTF-8');
    }
  }
  vec<T>(item: () => T): T[] {
    const count = this.u32();
    // Every entry takes at least one byte: refuse counts the section cannot hold.
    if (count > this.left()) throw truncated();
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item());
    return out;
  }
}

function truncated(): WasmFormatError {
  return new WasmFormatError('the module is truncated (a section ends early)');
}

/** "(i32,i32)->i32": how docs/abi.md and error messages write a signature. */
export function formatSignature(s: FuncSignature): string {
  return `(${s.params.join(',')})${s.results.length ? `->${s.results.join(',')}` : ''}`;
}
