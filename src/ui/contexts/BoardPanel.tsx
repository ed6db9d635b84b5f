import { useState, type FormEvent } from 'react';
import type { ContextView } from '../../node/index.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { plainError, plainRefusal } from '../shell/plainWords.ts';
import { useLive } from '../shell/useLive.ts';
import { nameAmong } from './memberNames.ts';
import { whyReadOnly } from './writeWords.ts';

interface Task {
  id: string;
  title: string;
  status: 'todo' | 'doing' | 'done';
  creator: string;
  assignee: string | null;
}

const STATUSES = ['todo', 'doing', 'done'] as const;
const STATUS_LABELS: Record<Task['status'], string> = { todo: 'To do', doing: 'Doing', done: 'Done' };

/** What a board action says: `done` when it went through, `what` names it in a refusal or error. */
interface BoardAction {
  what: string;
  done: string;
}

type RunAction = (action: BoardAction, method: string, args: unknown) => Promise<void>;

/**
 * The team-board app: tasks with creator (the executor) and assignee, and private notes.
 * Refusals and errors in plain words (codes in the detail); a former member's board is
 * read-only, its private notes still its own.
 */
export function BoardPanel({ view, onOutcome }: { view: ContextView; onOutcome: (text: string, ok: boolean, detail?: string) => void }) {
  const node = useNode();
  const { value: tasks } = useLive(async () => (await node.contexts.open(view.id).call('list_tasks', {})).output as Task[], [view.id]);
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [error, setError] = useState<string>();
  const readOnly = whyReadOnly(view);
  const name = (root: string | null) => (root ? nameAmong(view.members, root) : 'nobody');

  const run: RunAction = async ({ what, done }, method, args) => {
    setError(undefined);
    try {
      const outcome = await node.contexts.open(view.id).call(method, args);
      if (outcome.op && !outcome.op.valid) {
        const told = plainRefusal(outcome.op.reason, outcome.op.message);
        onOutcome(`${what}: ${told.text}`, false, told.detail);
      } else onOutcome(done, true);
    } catch (e) {
      setError(`${what}: ${plainError(e).text}`);
    }
  };

  async function create(event: FormEvent) {
    event.preventDefault();
    await run({ what: 'Adding the task', done: 'Task added.' }, 'create_task', assignee ? { title, assignee } : { title });
    setTitle('');
  }

  return (
    <section className="card" aria-labelledby="board-title">
      <h2 id="board-title">Board</h2>
      <div className="board">
        {STATUSES.map((status) => (
          <div key={status} className="column" data-status={status}>
            <h3>{STATUS_LABELS[status]}</h3>
            <ul className="tasks">
              {(tasks ?? [])
                .filter((t) => t.status === status)
                .map((t) => (
                  <TaskCard key={t.id} task={t} view={view} name={name} run={run} readOnly={Boolean(readOnly)} />
                ))}
            </ul>
          </div>
        ))}
      </div>
      {readOnly && (
        <p className="notice" data-testid="read-only">
          {readOnly}
        </p>
      )}
      <form onSubmit={create} className="fields row" aria-disabled={readOnly ? true : undefined}>
        <label className="field grow">
          <span>New task</span>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} required disabled={Boolean(readOnly)} />
        </label>
        <label className="field">
          <span>Assignee</span>
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)} disabled={Boolean(readOnly)}>
            <option value="">nobody</option>
            {view.members.map((m) => (
              <option key={m.root} value={m.root}>
                {name(m.root)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" disabled={!title.trim() || Boolean(readOnly)}>
          Add
        </button>
      </form>
      <ErrorAlert message={error} />
    </section>
  );
}

function TaskCard({
  task,
  view,
  name,
  run,
  readOnly,
}: {
  task: Task;
  view: ContextView;
  name: (root: string | null) => string;
  run: RunAction;
  readOnly: boolean;
}) {
  const node = useNode();
  const [note, setNote] = useState<string>();
  const [open, setOpen] = useState(false);

  async function toggleNote() {
    if (!open) setNote(((await node.contexts.open(view.id).call('get_note', { id: task.id })).output as string | null) ?? '');
    setOpen(!open);
  }

  return (
    <li className="task" data-task={task.id}>
      <strong className="task-title">{task.title}</strong>
      <span className="muted small">
        by <span data-testid="task-creator" title={task.creator}>{name(task.creator)}</span> · for <span title={task.assignee ?? undefined}>{name(task.assignee)}</span>
      </span>
      <span className="task-actions">
        <label className="visually-hidden" htmlFor={`status-${task.id}`}>
          Status of {task.title}
        </label>
        <select
          id={`status-${task.id}`}
          value={task.status}
          disabled={readOnly}
          onChange={(e) => {
            const status = e.target.value as Task['status'];
            void run({ what: 'Moving the task', done: `Task moved to ${STATUS_LABELS[status]}.` }, 'set_status', { id: task.id, status });
          }}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <button type="button" className="button small secondary" onClick={() => void toggleNote()}>
          {open ? 'Hide my note' : 'My note'}
        </button>
      </span>
      {open && (
        <form
          className="note"
          onSubmit={(e) => {
            e.preventDefault();
            void run({ what: 'Saving the note', done: note ? 'Private note saved on this device.' : 'Private note removed.' }, 'set_note', { id: task.id, text: note ?? '' });
          }}
        >
          <label className="field">
            <span>Private note (only on this device)</span>
            <textarea rows={2} value={note ?? ''} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" className="button small secondary">
            Save note
          </button>
        </form>
      )}
    </li>
  );
}
