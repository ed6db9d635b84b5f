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
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
