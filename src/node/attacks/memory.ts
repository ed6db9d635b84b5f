// Memory as a test sees it (Node only).
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

let gc: (() => void) | undefined;

/** Heap and array buffers still held after a full garbage collection. */
export async function retainedBytes(): Promise<number> {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  // Several rounds apart: buffers a closed link or a settled promise still held a moment ago
  // are only collectable once those callbacks have run. The least reading counts.
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const m = process.memoryUsage();
    least = Math.min(least, m.heapUsed + m.arrayBuffers);
  }
  return least;
}
