// kv-store: plain JSON values under string keys of the shared state, the same layout as
// the node's built-in kv writer.
import { Methods, State, emit, input, jarr, jbool, jnull, jobj, returnJson } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods()
    .view("get", '{"key":"string"}')
    .mutation("set", '{"key":"string","value":"json"}')
    .mutation("remove", '{"key":"string"}')
    .view("entries", '{"prefix":"string?"}')
    .publish();
}

/** The value under key, or null. */
export function get(): void {
  const value = State.getRaw(input().getString("key"));
  returnJson(value === null ? jnull() : value);
}

/** Store a value; returns whether the key had one. Emits "set" {key}. */
export function set(): void {
  const args = input();
  const key = args.getString("key");
  const existed = State.set(key, args.field("value"));
  emit("set", jobj().setString("key", key));
  returnJson(jbool(existed));
}

/** Remove a key; returns whether it was there. Emits "removed" {key} when it was. */
export function remove(): void {
  const key = input().getString("key");
  const removed = State.remove(key);
  if (removed) emit("removed", jobj().setString("key", key));
  returnJson(jbool(removed));
}

/** [{key, value}] in key order, optionally only keys starting with prefix. */
export function entries(): void {
  const prefix = input().getStringOrNull("prefix");
  const keys = State.keys(prefix === null ? "" : prefix);
  const out = jarr();
  for (let i = 0; i < keys.length; i++) {
    out.push(jobj().setString("key", keys[i]).set("value", State.getRaw(keys[i])!));
  }
  returnJson(out);
}
