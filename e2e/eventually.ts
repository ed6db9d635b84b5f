/** Poll `read` until `ok` holds, or fail naming what was awaited and the last value seen. */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
