/**
 * Run async tasks one after another, in the order they were given. A task starts once the
 * one before it settled, whether it resolved or failed; each caller gets its own task's
 * outcome. The queue keeps no result: the last one (a whole load's) would otherwise live on
 * until the next task.
 */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return function inTurn<T>(task: () => Promise<T>): Promise<T> {
    const next = tail.then(task, task);
    tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };
}
