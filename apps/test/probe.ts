// Exercises every host function of ABI v1 directly (not through the SDK's helpers), with
// parameters, so the unit tests can check each one and each limit.
import * as env from "../sdk/env";
import { SCRATCH, ptr, registerBytes, utf8 } from "../sdk/host";
import { JsonArray, Methods, input, inputText, jarr, jbool, jnum, jobj, jstr, returnJson, returnText } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods()
    .view("echo", '{"any":"json?"}')
    .view("ids")
    .view("read", '{"key":"string"}')
    .view("has", '{"key":"string"}')
    .mutation("write", '{"key":"string","text":"string"}')
    .mutation("write_bytes", '{"key":"string","bytes":"array"}')
    .mutation("write_key_bytes", '{"key":"array","text":"string"}')
    .mutation("remove", '{"key":"string"}')
    .view("keys", '{"prefix":"string","after":"string?","limit":"integer"}')
    .mutation("write_then_keys")
    .mutation("write_then_read")
    .view("private_read", '{"key":"string"}')
    .mutation("private_write", '{"key":"string","text":"string"}')
    .mutation("private_remove", '{"key":"string"}')
    .mutation("emit", '{"name":"string","payload":"string","hash_only":"boolean"}')
    .view("log", '{"lines":"array"}')
    .view("registers")
    .view("read_empty_register")
    .view("bad_register")
    .view("bad_pointer")
    .view("negative_length")
    .view("panic", '{"text":"string"}')
    .mutation("writes", '{"n":"integer","size":"integer"}')
    .mutation("private_writes", '{"n":"integer","size":"integer"}')
    .mutation("events", '{"n":"integer","size":"integer"}')
    .view("logs", '{"n":"integer","size":"integer"}')
    .view("ret", '{"size":"integer"}')
    .view("types", '{"s":"string","n":"number","i":"integer","b":"boolean","o":"object","a":"array","j":"json","opt":"string?"}')
    .view("instance_calls")
    .publish();
}

/** The input text, unparsed. */
export function echo(): void {
  returnText(inputText());
}

export function ids(): void {
  env.executor_id(SCRATCH);
  const executor = String.UTF8.decode(registerBytes(SCRATCH)!);
  env.context_id(SCRATCH);
  const id = Uint8Array.wrap(registerBytes(SCRATCH)!);
  const bytes = jarr();
  for (let i = 0; i < id.length; i++) bytes.push(jnum(id[i]));
  returnJson(jobj().setString("executor", executor).set("context", bytes));
}

export function read(): void {
  const key = utf8(input().getString("key"));
  const found = env.storage_read(ptr(key), key.byteLength, 3);
  const len = env.register_len(3);
  const text: string | null = len < 0 ? null : String.UTF8.decode(registerBytes(3)!);
  returnJson(jobj().setBool("found", found != 0).setNumber("len", len).setStringOrNull("text", text));
}

export function has(): void {
  const key = utf8(input().getString("key"));
  returnJson(jbool(env.storage_has(ptr(key), key.byteLength) != 0));
}

export function write(): void {
  const args = input();
  const key = utf8(args.getString("key"));
  const value = utf8(args.getString("text"));
  returnJson(jbool(env.storage_write(ptr(key), key.byteLength, ptr(value), value.byteLength) != 0));
}

function bytesOf(list: JsonArray): ArrayBuffer {
  const out = new ArrayBuffer(list.length);
  for (let i = 0; i < list.length; i++) store<u8>(changetype<usize>(out) + i, <u8>list.at(i).asNumber());
  return out;
}

export function write_bytes(): void {
  const args = input();
  const key = utf8(args.getString("key"));
  const value = bytesOf(args.getArray("bytes"));
  returnJson(jbool(env.storage_write(ptr(key), key.byteLength, ptr(value), value.byteLength) != 0));
}

export function write_key_bytes(): void {
  const args = input();
  const key = bytesOf(args.getArray("key"));
  const value = utf8(args.getString("text"));
  returnJson(jbool(env.storage_write(ptr(key), key.byteLength, ptr(value), value.byteLength) != 0));
}

export function remove(): void {
  const key = utf8(input().getString("key"));
  returnJson(jbool(env.storage_remove(ptr(key), key.byteLength) != 0));
}

function listKeys(prefix: string, after: string | null, limit: i32): JsonArray {
  const p = utf8(prefix);
  let count: i32;
  if (after === null) count = env.storage_keys(ptr(p), p.byteLength, 0, -1, limit, 5);
  else {
    const a = utf8(after);
    count = env.storage_keys(ptr(p), p.byteLength, ptr(a), a.byteLength, limit, 5);
  }
  const page = registerBytes(5)!;
  const out = jarr();
  let at: usize = 0;
  for (let i = 0; i < count; i++) {
    const len = load<u32>(ptr(page) + at);
    out.push(jstr(String.UTF8.decodeUnsafe(ptr(page) + at + 4, len)));
    at += 4 + len;
  }
  return out;
}

export function keys(): void {
  const args = input();
  returnJson(listKeys(args.getString("prefix"), args.getStringOrNull("after"), <i32>args.getNumber("limit")));
}

/** Keys seen after this call's own writes: p/b added, p/a removed. */
export function write_then_keys(): void {
  const b = utf8("p/b");
  const one = utf8("1");
  env.storage_write(ptr(b), b.byteLength, ptr(one), one.byteLength);
  const a = utf8("p/a");
  env.storage_remove(ptr(a), a.byteLength);
  returnJson(listKeys("p/", null, 100));
}

/** A value written earlier in the same call reads back (normalized: keys sorted). */
export function write_then_read(): void {
  const key = utf8("rw");
  const value = utf8("{ \"b\": 1, \"a\": [true, null, -0, 1.5] }");
  env.storage_write(ptr(key), key.byteLength, ptr(value), value.byteLength);
  env.storage_read(ptr(key), key.byteLength, SCRATCH);
  const text = String.UTF8.decode(registerBytes(SCRATCH)!);
  env.storage_remove(ptr(key), key.byteLength);
  const gone = env.storage_has(ptr(key), key.byteLength);
  returnJson(jobj().setString("text", text).setNumber("has_after_remove", gone));
}

export function private_read(): void {
  const key = utf8(input().getString("key"));
  const found = env.private_read(ptr(key), key.byteLength, 7);
  const len = env.register_len(7);
  const text: string | null = len < 0 ? null : String.UTF8.decode(registerBytes(7)!);
  returnJson(jobj().setBool("found", found != 0).setNumber("len", len).setStringOrNull("text", text));
}

export function private_write(): void {
  const args = input();
  const key = utf8(args.getString("key"));
  const value = utf8(args.getString("text"));
  returnJson(jbool(env.private_write(ptr(key), key.byteLength, ptr(value), value.byteLength) != 0));
}

export function private_remove(): void {
  const key = utf8(input().getString("key"));
  returnJson(jbool(env.private_remove(ptr(key), key.byteLength) != 0));
}

export function emit(): void {
  const args = input();
  const name = utf8(args.getString("name"));
  const payload = utf8(args.getString("payload"));
  env.emit(ptr(name), name.byteLength, ptr(payload), payload.byteLength, args.getBool("hash_only") ? 1 : 0);
}

export function log(): void {
  const lines = input().getArray("lines");
  for (let i = 0; i < lines.length; i++) {
    const line = utf8(lines.at(i).asString());
    env.log_utf8(ptr(line), line.byteLength);
  }
}

/** register_len of an empty register is -1; input fills register 63 (the last). */
export function registers(): void {
  const before = env.register_len(63);
  env.input(63);
  returnJson(jobj().setNumber("before", before).setNumber("after", env.register_len(63)));
}

export function read_empty_register(): void {
  env.read_register(42, 0);
}

export function bad_register(): void {
  env.input(64);
}

export function bad_pointer(): void {
  env.value_return(0xffffff00, 1000);
}

export function negative_length(): void {
  env.log_utf8(0, -5);
}

export function panic(): void {
  const text = utf8(input().getString("text"));
  env.panic_utf8(ptr(text), text.byteLength);
}

export function writes(): void {
  const args = input();
  const n = <i32>args.getNumber("n");
  const value = utf8("\"" + "v".repeat(<i32>args.getNumber("size")) + "\"");
  for (let i = 0; i < n; i++) {
    const key = utf8("k/" + i.toString());
    env.storage_write(ptr(key), key.byteLength, ptr(value), value.byteLength);
  }
}

export function private_writes(): void {
  const args = input();
  const n = <i32>args.getNumber("n");
  const value = utf8("v".repeat(<i32>args.getNumber("size")));
  for (let i = 0; i < n; i++) {
    const key = utf8("k/" + i.toString());
    env.private_write(ptr(key), key.byteLength, ptr(value), value.byteLength);
  }
}

export function events(): void {
  const args = input();
  const n = <i32>args.getNumber("n");
  const payload = utf8("e".repeat(<i32>args.getNumber("size")));
  const name = utf8("ev");
  for (let i = 0; i < n; i++) env.emit(ptr(name), name.byteLength, ptr(payload), payload.byteLength, 0);
}

export function logs(): void {
  const args = input();
  const n = <i32>args.getNumber("n");
  const line = utf8("l".repeat(<i32>args.getNumber("size")));
  for (let i = 0; i < n; i++) env.log_utf8(ptr(line), line.byteLength);
}

export function ret(): void {
  const out = new ArrayBuffer(<i32>input().getNumber("size"));
  env.value_return(ptr(out), out.byteLength);
}

/** Echo back what the SDK parsed, re-serialized. */
export function types(): void {
  returnJson(input());
}

let callsInThisInstance: i32 = 0;

/** How many calls this instance has run, itself included: 1 in a fresh instance. */
export function instance_calls(): void {
  callsInThisInstance++;
  returnText(callsInThisInstance.toString());
}
