// team-board: tasks shared by the context's members, with private per-member notes.
//
// Shared state: "task/<id>" → {id, title, status, creator, assignee}; "seq/<member>" → the
// member's task counter. Ids are a SHA-256 hash of the creator's full id, counter and title
// (taskId.ts), so members creating tasks at the same time never collide, nor can a member
// pick a title that hits another's task.
// Private storage: "note/<task id>" → the note's UTF-8 text (this member, this device).
import {
  JsonObject, Methods, Private, State, emit, executor, input, jarr, jnull, jnum, jobj, jstr, panic, returnJson,
} from "../sdk/index";
import { taskId } from "./taskId";

const STATUSES = ["todo", "doing", "done"];
const MAX_TITLE: i32 = 200;
const MAX_NOTE: i32 = 4000;

export function __tabnode_methods(): void {
  new Methods()
    .mutation("create_task", '{"title":"string","assignee":"string?"}')
    .mutation("assign", '{"id":"string","assignee":"string?"}')
    .mutation("set_status", '{"id":"string","status":"string"}')
    .view("list_tasks", '{"status":"string?","assignee":"string?"}')
    .view("get_task", '{"id":"string"}')
    .mutation("set_note", '{"id":"string","text":"string"}')
    .view("get_note", '{"id":"string"}')
    .publish();
}

/** New task, status "todo", the caller as creator. Its title travels in events only as a hash. */
export function create_task(): void {
  const args = input();
  const title = args.getString("title").trim();
  if (title.length == 0) panic("a task needs a title");
  if (title.length > MAX_TITLE) panic("a title is at most " + MAX_TITLE.toString() + " characters");
  const assignee = args.getStringOrNull("assignee");
  const me = executor();

  const seqKey = "seq/" + me;
  const seq = State.get(seqKey);
  let n = seq === null ? 1 : <i64>seq.asNumber() + 1;
  let id = taskId(me, n, title);
  // Never replace a task already here, whoever made it (a counter reset by a concurrent
  // write from another device, or a title chosen to hit someone's id).
  while (State.has("task/" + id)) id = taskId(me, ++n, title);
  State.set(seqKey, jnum(<f64>n));

  const task = jobj()
    .setString("id", id)
    .setString("title", title)
    .setString("status", "todo")
    .setString("creator", me)
    .setStringOrNull("assignee", assignee);
  State.set("task/" + id, task);

  emit("task_created", jobj().setString("id", id).setString("creator", me).setStringOrNull("assignee", assignee));
  emit("task_title", jobj().setString("id", id).setString("title", title), true);
  returnJson(task);
}

/** Set or clear (no assignee) who works on a task. */
export function assign(): void {
  const args = input();
  const task = loadTask(args.getString("id"));
  const assignee = args.getStringOrNull("assignee");
  task.setStringOrNull("assignee", assignee);
  saveTask(task);
  emit("task_assigned", jobj().setString("id", task.getString("id")).setStringOrNull("assignee", assignee).setString("by", executor()));
  returnJson(task);
}

/** Move a task to todo, doing or done. */
export function set_status(): void {
  const args = input();
  const status = args.getString("status");
  if (!STATUSES.includes(status)) panic("status must be todo, doing or done, not \"" + status + "\"");
  const task = loadTask(args.getString("id"));
  task.setString("status", status);
  saveTask(task);
  emit("task_status", jobj().setString("id", task.getString("id")).setString("status", status).setString("by", executor()));
  returnJson(task);
}

/** Tasks in id order, optionally only those with a status and/or an assignee. */
export function list_tasks(): void {
  const args = input();
  const status = args.getStringOrNull("status");
  const assignee = args.getStringOrNull("assignee");
  const keys = State.keys("task/");
  const out = jarr();
  for (let i = 0; i < keys.length; i++) {
    const task = State.get(keys[i])!.asObject();
    if (status !== null && task.getString("status") != status) continue;
    if (assignee !== null && task.getStringOrNull("assignee") != assignee) continue;
    out.push(task);
  }
  returnJson(out);
}

export function get_task(): void {
  const value = State.getRaw("task/" + input().getString("id"));
  returnJson(value === null ? jnull() : value);
}

/** This member's private note on a task (empty text removes it). Never leaves this device. */
export function set_note(): void {
  const args = input();
  const id = args.getString("id");
  loadTask(id);
  const text = args.getString("text");
  if (text.length > MAX_NOTE) panic("a note is at most " + MAX_NOTE.toString() + " characters");
  if (text.length == 0) Private.remove("note/" + id);
  else Private.setString("note/" + id, text);
  returnJson(jnull());
}

/** This member's note on a task, or null. */
export function get_note(): void {
  const note = Private.getString("note/" + input().getString("id"));
  returnJson(note === null ? jnull() : jstr(note));
}

function loadTask(id: string): JsonObject {
  const value = State.get("task/" + id);
  if (value === null) panic("there is no task \"" + id + "\"");
  return value!.asObject();
}

function saveTask(task: JsonObject): void {
  State.set("task/" + task.getString("id"), task);
}
