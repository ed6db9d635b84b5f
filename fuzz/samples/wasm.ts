// WebAssembly modules shaped like Tabnode apps, encoded byte by byte: every ABI v1 import
// with its signature, env.memory or a memory of its own, a table, exports, code, a custom
// section. checkModule reads the type, import, table and memory sections and skips the rest.
import { ABI_V1 } from '../../src/runtime/abi.ts';
import { encodeVarint } from '../mutate.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

const leb = (n: number): number[] => [...encodeVarint(n)]; // LEB128, as the codec's varints
const name = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

/** "(i32,i32)->i32" as a function type. */
function funcType(signature: string): number[] {
  const [, params = '', results = ''] = /^\(([^)]*)\)(?:->(.*))?$/.exec(signature)!;
  const types = (list: string) => (list ? list.split(',').map((t) => [VALTYPE[t]!]) : []);
  return [0x60, ...vec(types(params)), ...vec(types(results))];
}

function appModule(options: { importMemory: boolean; wide?: boolean }): Uint8Array {
  const abi = Object.entries(ABI_V1);
  const signatures = [...new Set([...abi.map(([, s]) => s), '()', '(i64,f32,f64)->f64'])];
  const imports = abi.map(([field, s]) => [...name('env'), ...name(field), 0x00, ...leb(signatures.indexOf(s))]);
  if (options.importMemory) imports.push([...name('env'), ...name('memory'), 0x02, 0x01, ...leb(1), ...leb(1024)]);
  const own = signatures.indexOf('()');
  const sections = [
    section(1, vec(signatures.map(funcType))),
    section(2, vec(imports)),
    section(3, vec([leb(own), leb(own)])), // two functions of our own
    section(4, vec([[0x70, 0x01, ...leb(1), ...leb(8)]])), // a funcref table, 1..8
    ...(options.importMemory ? [] : [section(5, vec([options.wide ? [0x05, ...leb(1), ...leb(2 ** 33)] : [0x01, ...leb(2), ...leb(300)]]))]),
    section(7, vec([[...name('__tabnode_methods'), 0x00, ...leb(abi.length)], [...name('set'), 0x00, ...leb(abi.length + 1)]])),
    section(10, vec([[2, 0x00, 0x0b], [5, 0x00, 0x41, 0x01, 0x1a, 0x0b]])), // bodies: nop; i32.const 1, drop
    section(0, [...name('name'), 0x01, 0x02, 0x03]),
  ];
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

/** Small modules: each section kind the parser reads, alone or together. */
export function wasmModules(): Uint8Array[] {
  return [
    appModule({ importMemory: true }),
    appModule({ importMemory: false }),
    appModule({ importMemory: false, wide: true }),
    Uint8Array.from(HEADER),
    Uint8Array.from([...HEADER, ...section(5, vec([[0x03, ...leb(1), ...leb(2)]]))]), // shared memory
    Uint8Array.from([...HEADER, ...section(1, vec([funcType('(i32)->i32')])), ...section(2, vec([[...name('env'), ...name('t'), 0x01, 0x70, 0x00, ...leb(1)], [...name('env'), ...name('g'), 0x03, 0x7f, 0x00], [...name('env'), ...name('e'), 0x04, 0x00, 0x00]]))]),
    Uint8Array.from([...HEADER, ...section(1, vec([[0x60, ...vec([[0x63, 0x70], [0x64, 0x00]]), ...vec([])]]))]), // reference types
  ];
}
