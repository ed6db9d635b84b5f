// In-page half of the catch-up figures (bench/catchUp.ts): fills this profile's IndexedDB with
// a growth fixture's owner and ops, so the app opened next on this profile holds the context.
import { dexieStore } from '../src/adapters/dexie/dexieStore.ts';
import { putFixture } from './fixtureStore.ts';

export interface FixtureApi {
  /** Fetch ops framed as [u32 length][bytes]… from `url` and store them; returns the context id. */
  seed(url: string): Promise<{ id: string; ops: number }>;
}

declare global {
  interface Window {
    __fixture?: FixtureApi;
  }
}

/** The ops of a body of [u32 big-endian length][op bytes] frames. */
export function unframe(body: Uint8Array): Uint8Array[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const ops: Uint8Array[] = [];
  for (let at = 0; at + 4 <= body.length; ) {
    const length = view.getUint32(at);
    // A copy: a view would make IndexedDB store the whole body with every op.
    ops.push(body.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return ops;
}

window.__fixture = {
  async seed(url) {
    const body = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const ops = unframe(body);
    const store = await dexieStore();
    try {
      return { id: await putFixture(store, ops), ops: ops.length };
    } finally {
      await store.close();
    }
  },
};
