/**
 * Poll `read` until `ok` holds, or fail naming what was awaited and the last value (or
 * error) seen. A read that throws counts as "not yet": pages may still be starting up.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: string = 'nothing read yet';
  for (;;) {
    try {
      const v = await read();
      if (ok(v)) return v;
      last = `last value: ${JSON.stringify(v).slice(0, 600)}`;
    } catch (e) {
      last = `last error: ${(e as Error).message.slice(0, 600)}`;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
