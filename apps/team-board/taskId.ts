// Task ids that do not collide between members, even when one of them picks titles to hit
// another's id.
//
// An id is 32 hex digits: the first 128 bits of SHA-256 over the UTF-8 of the creator's full
// executor id, "\n", the creator's task counter, "\n", the title. The creator id is the host's
// (a member cannot claim another's) and holds no newline, and the counter is digits, so
// different (creator, counter, title) give different hash inputs; hitting a given id takes a
// SHA-256 second preimage on 128 bits. The full id (not a prefix: every local identity starts
// with "tabnode:loca") keeps members apart; the counter keeps one member's tasks apart; the
// title keeps apart two devices of one member creating at the same moment (both read the same
// counter). create_task also skips any id already taken in its causal past.
// Boards made before keep their ids: "<prefix>-<n>", or 16 hex digits (64-bit FNV-1a, which a
// hostile member could collide), neither of which a new id ever equals.
import { sha256 } from "../sdk/sha256";

const HEX = "0123456789abcdef";

/** The id of a task made by `creator` as its `n`th, titled `title`. */
export function taskId(creator: string, n: i64, title: string): string {
  const digest = sha256(Uint8Array.wrap(String.UTF8.encode(creator + "\n" + n.toString() + "\n" + title)));
  let out = "";
  for (let i = 0; i < 16; i++) out += HEX.charAt(<i32>(digest[i] >> 4)) + HEX.charAt(<i32>(digest[i] & 0xf));
  return out;
}
