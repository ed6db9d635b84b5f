import { expect, test } from 'vitest';
import { linkEnd } from './linkEnd.ts';

function end(options: { maxQueuedMessages?: number; maxMessageBytes?: number } = {}) {
  const shutdowns: string[] = [];
  const sent: Uint8Array[] = [];
  const e = linkEnd({ id: 'test', ...options, transmit: (m) => void sent.push(m), shutdown: (r) => void shutdowns.push(r) });
  return { ...e, shutdowns, sent };
}

test('a full receive queue closes the link instead of dropping', () => {
  const e = end({ maxQueuedMessages: 2 });
  e.receive(Uint8Array.of(1));
  e.receive(Uint8Array.of(2));
  expect(e.link.closed).toBe(false);
  e.receive(Uint8Array.of(3));
  expect(e.link.closeReason).toMatch(/receive queue overflow/);
  expect(e.shutdowns).toHaveLength(1);
});

test('a received message over the limit closes the link as a protocol error', () => {
  const e = end({ maxMessageBytes: 4 });
  e.receive(new Uint8Array(5));
  expect(e.link.closeReason).toMatch(/protocol error/);
});

test('a throwing handler does not starve the others, and its error surfaces', () => {
  const e = end();
  const got: number[] = [];
  e.link.onMessage(() => {
    throw new Error('handler bug');
  });
  e.link.onMessage((m) => got.push(m[0]!));
  expect(() => e.receive(Uint8Array.of(1))).toThrow('handler bug');
  expect(got).toEqual([1]);
});

test('a handler that closes the link while catching up stops the catch-up', () => {
  const e = end();
  e.receive(Uint8Array.of(1));
  e.receive(Uint8Array.of(2));
  const got: number[] = [];
  e.link.onMessage((m) => {
    got.push(m[0]!);
    e.link.close('enough');
  });
  expect(got).toEqual([1]);
});

test('end() closes without calling shutdown; sends then fail', async () => {
  const e = end();
  e.end('transport gone');
  expect(e.shutdowns).toEqual([]);
  await expect(e.link.send(Uint8Array.of(1))).rejects.toThrow(/transport gone/);
});
