// A small JSON model for apps: parse call input and state values, build results.
// Numbers are f64 (as in JavaScript); integers print without a fraction.
import { panic } from "./host";

export const enum Kind { Null, Bool, Number, String, Array, Object, Raw }

export class JsonValue {
  constructor(public readonly kind: Kind) {}

  isNull(): bool { return this.kind == Kind.Null; }
  isString(): bool { return this.kind == Kind.String; }
  isNumber(): bool { return this.kind == Kind.Number; }
  isBool(): bool { return this.kind == Kind.Bool; }
  isArray(): bool { return this.kind == Kind.Array; }
  isObject(): bool { return this.kind == Kind.Object; }

  asString(): string {
    if (this.kind != Kind.String) panic("expected a JSON string, got " + this.toString());
    return changetype<JsonString>(this).value;
  }
  asNumber(): f64 {
    if (this.kind != Kind.Number) panic("expected a JSON number, got " + this.toString());
    return changetype<JsonNumber>(this).value;
  }
  asBool(): bool {
    if (this.kind != Kind.Bool) panic("expected true or false, got " + this.toString());
    return changetype<JsonBool>(this).value;
  }
  asArray(): JsonArray {
    if (this.kind != Kind.Array) panic("expected a JSON array, got " + this.toString());
    return changetype<JsonArray>(this);
  }
  asObject(): JsonObject {
    if (this.kind != Kind.Object) panic("expected a JSON object, got " + this.toString());
    return changetype<JsonObject>(this);
  }

  /** Compact JSON text. */
  toString(): string {
    const out = new Array<string>();
    write(this, out);
    return concat(out);
  }
}

export class JsonNull extends JsonValue {
  constructor() { super(Kind.Null); }
}

export class JsonBool extends JsonValue {
  constructor(public value: bool) { super(Kind.Bool); }
}

export class JsonNumber extends JsonValue {
  constructor(public value: f64) { super(Kind.Number); }
}

export class JsonString extends JsonValue {
  constructor(public value: string) { super(Kind.String); }
}

/** JSON text passed through as is (e.g. a stored value copied into a result). */
export class JsonRaw extends JsonValue {
  constructor(public text: string) { super(Kind.Raw); }
}

export class JsonArray extends JsonValue {
  items: JsonValue[] = [];
  constructor() { super(Kind.Array); }
  get length(): i32 { return this.items.length; }
  at(i: i32): JsonValue { return this.items[i]; }
  push(value: JsonValue): JsonArray { this.items.push(value); return this; }
}

/** An object; keys keep their insertion order. */
export class JsonObject extends JsonValue {
  keys: string[] = [];
  values: Map<string, JsonValue> = new Map();
  constructor() { super(Kind.Object); }

  has(key: string): bool { return this.values.has(key); }
  get(key: string): JsonValue | null { return this.values.has(key) ? this.values.get(key) : null; }

  set(key: string, value: JsonValue): JsonObject {
    if (!this.values.has(key)) this.keys.push(key);
    this.values.set(key, value);
    return this;
  }
  setString(key: string, value: string): JsonObject { return this.set(key, new JsonString(value)); }
  setNumber(key: string, value: f64): JsonObject { return this.set(key, new JsonNumber(value)); }
  setBool(key: string, value: bool): JsonObject { return this.set(key, new JsonBool(value)); }
  setNull(key: string): JsonObject { return this.set(key, new JsonNull()); }
  /** A string, or null when `value` is null. */
  setStringOrNull(key: string, value: string | null): JsonObject {
    return value === null ? this.setNull(key) : this.setString(key, value);
  }

  remove(key: string): JsonObject {
    if (this.values.has(key)) {
      this.values.delete(key);
      const i = this.keys.indexOf(key);
      if (i >= 0) this.keys.splice(i, 1);
    }
    return this;
  }

  /** The field, which must be present. */
  field(key: string): JsonValue {
    if (!this.values.has(key)) panic("missing field \"" + key + "\"");
    return this.values.get(key);
  }
  getString(key: string): string { return this.field(key).asString(); }
  getNumber(key: string): f64 { return this.field(key).asNumber(); }
  getBool(key: string): bool { return this.field(key).asBool(); }
  getObject(key: string): JsonObject { return this.field(key).asObject(); }
  getArray(key: string): JsonArray { return this.field(key).asArray(); }
  /** The string field, or null when it is absent or null. */
  getStringOrNull(key: string): string | null {
    if (!this.values.has(key)) return null;
    const value = this.values.get(key);
    return value.isNull() ? null : value.asString();
  }
}

export function jnull(): JsonValue { return new JsonNull(); }
export function jbool(value: bool): JsonValue { return new JsonBool(value); }
export function jnum(value: f64): JsonValue { return new JsonNumber(value); }
export function jstr(value: string): JsonValue { return new JsonString(value); }
export function jraw(text: string): JsonValue { return new JsonRaw(text); }
export function jarr(): JsonArray { return new JsonArray(); }
export function jobj(): JsonObject { return new JsonObject(); }

// --- Writing ---

/**
 * The parts as one string, in one allocation. Not Array#join: with --shrinkLevel ≥ 1
 * AssemblyScript's join for strings falls back to repeated concatenation, which is
 * quadratic, and with the stub runtime (never frees) runs a few hundred entries out of memory.
 */
export function concat(parts: string[]): string {
  let length = 0;
  for (let i = 0; i < parts.length; i++) length += parts[i].length;
  const out = changetype<string>(__new(<usize>length << 1, idof<string>()));
  let at: usize = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const bytes = <usize>part.length << 1;
    memory.copy(changetype<usize>(out) + at, changetype<usize>(part), bytes);
    at += bytes;
  }
  return out;
}

function write(value: JsonValue, out: string[]): void {
  switch (value.kind) {
    case Kind.Null: out.push("null"); break;
    case Kind.Bool: out.push(changetype<JsonBool>(value).value ? "true" : "false"); break;
    case Kind.Number: out.push(numberText(changetype<JsonNumber>(value).value)); break;
    case Kind.String: writeString(changetype<JsonString>(value).value, out); break;
    case Kind.Raw: out.push(changetype<JsonRaw>(value).text); break;
    case Kind.Array: {
      const items = changetype<JsonArray>(value).items;
      out.push("[");
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.push(",");
        write(items[i], out);
      }
      out.push("]");
      break;
    }
    case Kind.Object: {
      const obj = changetype<JsonObject>(value);
      out.push("{");
      for (let i = 0; i < obj.keys.length; i++) {
        if (i > 0) out.push(",");
        const key = obj.keys[i];
        writeString(key, out);
        out.push(":");
        write(obj.values.get(key), out);
      }
      out.push("}");
      break;
    }
  }
}

function numberText(n: f64): string {
  if (!isFinite(n)) return "null"; // as JSON.stringify does
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992.0) return (<i64>n).toString();
  return n.toString();
}

const HEX = "0123456789abcdef";

function writeString(s: string, out: string[]): void {
  out.push("\"");
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (i > start) out.push(s.substring(start, i));
    start = i + 1;
    if (c == 0x22) out.push("\\\"");
    else if (c == 0x5c) out.push("\\\\");
    else if (c == 0x0a) out.push("\\n");
    else if (c == 0x0d) out.push("\\r");
    else if (c == 0x09) out.push("\\t");
    else out.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
  }
  if (start < s.length) out.push(s.substring(start));
  out.push("\"");
}

// --- Parsing ---

const MAX_DEPTH = 64;

/** Parse JSON text; a malformed text ends the call (panic) with where it went wrong. */
export function parseJson(text: string): JsonValue {
  const p = new Parser(text);
  p.space();
  const value = p.value(0);
  p.space();
  if (p.pos < text.length) p.fail("unexpected text after the value");
  return value;
}

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  fail(why: string): void {
    panic("bad JSON at " + this.pos.toString() + ": " + why);
  }

  peek(): i32 {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  space(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  literal(word: string): void {
    if (this.text.substring(this.pos, this.pos + word.length) != word) this.fail("expected " + word);
    this.pos += word.length;
  }

  value(depth: i32): JsonValue {
    if (depth > MAX_DEPTH) this.fail("nested too deep");
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) return new JsonString(this.string());
    if (c == 0x74) { this.literal("true"); return new JsonBool(true); }
    if (c == 0x66) { this.literal("false"); return new JsonBool(false); }
    if (c == 0x6e) { this.literal("null"); return new JsonNull(); }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return new JsonNumber(this.number());
    this.fail(c < 0 ? "unexpected end" : "unexpected character");
    return new JsonNull();
  }

  object(depth: i32): JsonObject {
    const obj = new JsonObject();
    this.pos++; // {
    this.space();
    if (this.peek() == 0x7d) { this.pos++; return obj; }
    while (true) {
      this.space();
      if (this.peek() != 0x22) this.fail("expected a string key");
      const key = this.string();
      this.space();
      if (this.peek() != 0x3a) this.fail("expected :");
      this.pos++;
      this.space();
      obj.set(key, this.value(depth + 1));
      this.space();
      const c = this.peek();
      this.pos++;
      if (c == 0x7d) return obj;
      if (c != 0x2c) this.fail("expected , or }");
    }
  }

  array(depth: i32): JsonArray {
    const arr = new JsonArray();
    this.pos++; // [
    this.space();
    if (this.peek() == 0x5d) { this.pos++; return arr; }
    while (true) {
      this.space();
      arr.push(this.value(depth + 1));
      this.space();
      const c = this.peek();
      this.pos++;
      if (c == 0x5d) return arr;
      if (c != 0x2c) this.fail("expected , or ]");
    }
  }

  string(): string {
    this.pos++; // opening quote
    const parts = new Array<string>();
    let start = this.pos;
    while (true) {
      if (this.pos >= this.text.length) this.fail("unterminated string");
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) break;
      if (c < 0x20) this.fail("control character in a string");
      if (c != 0x5c) { this.pos++; continue; }
      if (this.pos > start) parts.push(this.text.substring(start, this.pos));
      const e = this.text.charCodeAt(this.pos + 1);
      this.pos += 2;
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        let code = 0;
        for (let i = 0; i < 4; i++) {
          const h = this.peek();
          let d = -1;
          if (h >= 0x30 && h <= 0x39) d = h - 0x30;
          else if (h >= 0x61 && h <= 0x66) d = h - 0x61 + 10;
          else if (h >= 0x41 && h <= 0x46) d = h - 0x41 + 10;
          if (d < 0) this.fail("bad \\u escape");
          code = (code << 4) | d;
          this.pos++;
        }
        parts.push(String.fromCharCode(code));
      } else this.fail("bad escape");
      start = this.pos;
    }
    if (this.pos > start) parts.push(this.text.substring(start, this.pos));
    this.pos++; // closing quote
    return parts.length == 1 ? parts[0] : concat(parts);
  }

  number(): f64 {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    let digits = 0;
    let integral = true;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) { this.pos++; digits++; }
    if (digits == 0) this.fail("expected a digit");
    if (this.peek() == 0x2e) {
      integral = false;
      this.pos++;
      let fraction = 0;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) { this.pos++; fraction++; }
      if (fraction == 0) this.fail("expected a digit after .");
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      integral = false;
      this.pos++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.pos++;
      let exponent = 0;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) { this.pos++; exponent++; }
      if (exponent == 0) this.fail("expected a digit in the exponent");
    }
    const text = this.text.substring(start, this.pos);
    // Short integers are exact by construction; everything else goes through parseFloat.
    if (integral && digits <= 15) return <f64>I64.parseInt(text);
    return parseFloat(text);
  }
}
