// Task ids that do not collide between members.
//
// An id is 16 hex digits of a 64-bit FNV-1a hash over the creator's full executor id, the
// creator's task counter and the title. The full id (not a prefix: every local identity
// starts with "tabnode:loca") keeps members apart; the counter keeps one member's tasks
// apart; the title keeps apart two devices of one member creating at the same moment (both
// read the same counter). create_task also skips any id already taken in its causal past.
// Boards made before this change keep their "<prefix>-<n>" ids, which hex never equals.

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;
const HEX = "0123456789abcdef";

/** The id of a task made by `creator` as its `n`th, titled `title`. */
export function taskId(creator: string, n: i64, title: string): string {
  const text = creator + "\n" + n.toString() + "\n" + title;
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const unit = <u64>text.charCodeAt(i);
    // Both bytes of the UTF-16 code unit, so non-Latin titles spread as well as Latin ones.
    hash = (hash ^ (unit & 0xff)) * FNV_PRIME;
    hash = (hash ^ (unit >> 8)) * FNV_PRIME;
  }
  let out = "";
  for (let shift: i32 = 60; shift >= 0; shift -= 4) out += HEX.charAt(<i32>((hash >> <u64>shift) & 0xf));
  return out;
}
