import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { kvApp } from './kvApp.ts';

const run = (method: string, input: string) =>
  kvApp().call(method, new TextEncoder().encode(input), { executor: 'tabnode:local:x' as never, contextId: new Uint8Array(32), doc: new Y.Doc(), clientID: 1 });

test.each(['null', '[]', '3', '"key"'])('input %s that is JSON but no object is refused as bad input, not a crash', async (input) => {
  for (const method of ['get', 'set', 'remove']) await expect(run(method, input)).rejects.toMatchObject({ code: 'bad-input' });
});
