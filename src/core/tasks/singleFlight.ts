/**
 * Run an async task one at a time. A call while it runs does not start a second run beside
 * it: it waits, and the task runs once more afterwards for all such calls together (they
 * asked for the world as it will be, so one later run answers them all). Each caller's
 * promise settles with a run that started after its call.
 */
export function singleFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  return function run(): Promise<void> {
    if (!running) {
      running = task().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return run();
      });
    return queued;
  };
}
