// Hostile behaviour, one method each: the runtime must stop every one of them with a clear
// error, nothing written, and the next call working.
import { Methods, Private, State, emit, jnum, jobj, jstr, log, panic, returnJson, returnText } from "../sdk/index";
import * as env from "../sdk/env";
import { ptr, utf8 } from "../sdk/host";

export function __tabnode_methods(): void {
  new Methods()
    .mutation("ok")
    .mutation("spin")
    .mutation("spin_calls")
    .mutation("bomb")
    .mutation("bomb_huge")
    .mutation("trap_midway")
    .mutation("oob")
    .view("huge_return")
    .view("huge_log")
    .view("big_log")
    .view("view_write")
    .view("view_remove")
    .view("view_private")
    .view("view_emit")
    .mutation("panics")
    .mutation("throws")
    .mutation("recurse")
    .view("peek")
    .publish();
}

/** A well-behaved mutation: proves the runtime still works after a hostile call. */
export function ok(): void {
  State.set("ok", jstr("yes"));
  returnText("\"ok\"");
}

let spins: i32 = 0;

/** An endless loop that never calls the host (only terminating the worker stops it). */
export function spin(): void {
  State.set("spun", jnum(1));
  while (spins != -1) spins++;
}

/**
 * An endless loop that calls the host (the inline runtime can stop it there). Its key is
 * encoded once: the stub runtime never frees, so encoding it per call would fill memory, and
 * on a fast machine the memory cap, not the time limit, would end the loop.
 */
export function spin_calls(): void {
  State.set("spun", jnum(1));
  const key = utf8("x");
  while (true) env.storage_has(ptr(key), key.byteLength);
}

const hoard = new Array<ArrayBuffer>();

/** Keep allocating 1 MiB until memory runs out. */
export function bomb(): void {
  State.set("bombed", jnum(1));
  Private.setString("bombed", "yes");
  while (true) {
    const chunk = new ArrayBuffer(1 << 20);
    store<u8>(changetype<usize>(chunk), 1);
    hoard.push(chunk);
  }
}

/** One allocation bigger than the cap. */
export function bomb_huge(): void {
  State.set("bombed", jnum(1));
  const chunk = new ArrayBuffer(200 << 20);
  store<u8>(changetype<usize>(chunk), 1);
}

/** Write shared and private storage, emit, then trap. */
export function trap_midway(): void {
  State.set("a", jnum(1));
  State.set("b", jnum(2));
  State.remove("ok");
  Private.setString("note", "secret");
  emit("half", jobj().setString("done", "half"));
  log("about to trap");
  unreachable();
}

/** Write, then read far outside memory. */
export function oob(): void {
  State.set("a", jnum(1));
  store<u8>(<usize>0xfffffff0, 1);
}

/** 2 MiB of return value. */
export function huge_return(): void {
  returnText("\"" + "x".repeat(2 << 20) + "\"");
}

/** 1000 log lines. */
export function huge_log(): void {
  for (let i = 0; i < 1000; i++) log("line " + i.toString());
}

/** One 100 KiB log line. */
export function big_log(): void {
  log("y".repeat(100 << 10));
}

export function view_write(): void {
  State.set("v", jnum(1));
}

export function view_remove(): void {
  State.remove("ok");
}

export function view_private(): void {
  Private.setString("v", "1");
}

export function view_emit(): void {
  emit("seen", jobj());
}

export function panics(): void {
  State.set("a", jnum(1));
  panic("boom");
}

export function throws(): void {
  State.set("a", jnum(1));
  throw new Error("thrown on purpose");
}

function deeper(n: i32): i32 {
  return n == 0x7fffffff ? n : deeper(n + 1) + 1;
}

export function recurse(): void {
  State.set("a", jnum(1));
  returnText(deeper(0).toString());
}

/** What earlier calls left in private storage. */
export function peek(): void {
  const note = Private.getString("note");
  const bombed = Private.getString("bombed");
  returnJson(jobj().setStringOrNull("note", note).setStringOrNull("bombed", bombed));
}
