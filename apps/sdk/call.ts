// The current call: its input, its caller, its context, its result and its events.
import * as env from "./env";
import { SCRATCH, panic, ptr, registerBytes, utf8 } from "./host";
import { JsonObject, JsonValue, parseJson } from "./json";

/** The call input as JSON text (the host checked it against the declared arguments). */
export function inputText(): string {
  env.input(SCRATCH);
  return String.UTF8.decode(registerBytes(SCRATCH)!);
}

/** The call input: a JSON object of the declared arguments. */
export function input(): JsonObject {
  const value = parseJson(inputText());
  if (!value.isObject()) panic("the input is not a JSON object");
  return value.asObject();
}

/** The caller's root id. */
export function executor(): string {
  env.executor_id(SCRATCH);
  return String.UTF8.decode(registerBytes(SCRATCH)!);
}

/** The context's 32-byte id. */
export function contextId(): Uint8Array {
  env.context_id(SCRATCH);
  return Uint8Array.wrap(registerBytes(SCRATCH)!);
}

/** Set the call's result (JSON). A later call replaces an earlier one. */
export function returnJson(value: JsonValue): void {
  returnText(value.toString());
}

export function returnText(text: string): void {
  const bytes = utf8(text);
  env.value_return(ptr(bytes), bytes.byteLength);
}

/**
 * Emit an event: delivered to subscribers and carried in the op. With `hashOnly`, the op
 * carries only the SHA-256 of the payload (keep sensitive fields out of other devices'
 * view while still committing to them). Only in mutations.
 */
export function emit(name: string, payload: JsonValue, hashOnly: bool = false): void {
  emitBytes(name, utf8(payload.toString()), hashOnly);
}

export function emitBytes(name: string, payload: ArrayBuffer, hashOnly: bool = false): void {
  const n = utf8(name);
  env.emit(ptr(n), n.byteLength, ptr(payload), payload.byteLength, hashOnly ? 1 : 0);
}
