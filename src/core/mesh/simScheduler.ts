import type { Scheduler } from './Scheduler.ts';

/**
 * A virtual clock for simulations: nothing runs until the test says so, and the order of
 * tasks depends only on their due times and the order they were scheduled, never on the
 * host. Tasks run synchronously; code that awaits a promise continues only once the caller
 * yields to the host (e.g. `await new Promise(setImmediate)` in a Node test).
 */
export interface SimScheduler extends Scheduler {
  /** Run every task due within the next `ms` (including tasks they schedule), then move the clock to now + ms. */
  advance(ms: number): void;
  /** Run tasks in due order, moving the clock to each, until none is left. Returns how many ran. */
  runUntilIdle(maxTasks?: number): number;
  /** How many tasks are waiting. */
  pending(): number;
}

/** Thrown by `runUntilIdle` when tasks keep scheduling tasks (a livelock in the simulated system). */
export class SchedulerRunawayError extends Error {
  override readonly name = 'SchedulerRunawayError';
  constructor(readonly maxTasks: number) {
    super(`simulation still busy after ${maxTasks} tasks: something reschedules itself forever; raise maxTasks if that is expected`);
  }
}

interface Task {
  at: number;
  seq: number;
  fn: () => void;
  state: 'waiting' | 'ran' | 'cancelled';
}

export function simScheduler(start = 0): SimScheduler {
  let clock = start;
  let seq = 0;
  const heap: Task[] = [];
  let cancelled = 0;

  const runNext = (): void => {
    const task = pop(heap);
    if (task.state === 'cancelled') return void cancelled--;
    task.state = 'ran';
    clock = Math.max(clock, task.at);
    task.fn();
  };

  return {
    now: () => clock,
    schedule(delayMs, fn) {
      const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
      const task: Task = { at: clock + delay, seq: seq++, fn, state: 'waiting' };
      push(heap, task);
      return () => {
        if (task.state !== 'waiting') return;
        task.state = 'cancelled';
        cancelled++;
      };
    },
    advance(ms) {
      const until = clock + Math.max(0, ms);
      while (heap.length > 0 && heap[0]!.at <= until) runNext();
      clock = until;
    },
    runUntilIdle(maxTasks = 1_000_000) {
      let ran = 0;
      while (heap.length > 0) {
        if (ran >= maxTasks) throw new SchedulerRunawayError(maxTasks);
        const live = heap[0]!.state !== 'cancelled';
        runNext();
        if (live) ran++;
      }
      return ran;
    },
    pending: () => heap.length - cancelled,
  };
}

// A binary min-heap on (at, seq): equal due times keep scheduling order.
const before = (a: Task, b: Task): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

function push(heap: Task[], task: Task): void {
  heap.push(task);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Task[]): Task {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && before(heap[right]!, heap[least]!)) least = right;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
  return top;
}
