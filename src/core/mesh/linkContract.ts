import { afterEach, describe, expect, test } from 'vitest';
import type { Link } from './Link.ts';
import { LinkClosedError, MessageTooLargeError } from './Link.ts';

export interface LinkContractOptions {
  /** Per-test timeout in ms (real transports move megabytes here). Default 30 s. */
  timeoutMs?: number;
}

/**
 * The behaviour every Link must have. Each implementation's test calls this with a
 * factory for a connected pair; the factory runs once per test and the pair is closed after.
 */
export function linkContract(name: string, makePair: () => Promise<[Link, Link]>, options: LinkContractOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;
  const opened: Link[] = [];
  const pair = async (): Promise<[Link, Link]> => {
    const links = await makePair();
    opened.push(...links);
    return links;
  };

  describe(`Link contract: ${name}`, () => {
    afterEach(() => {
      for (const link of opened.splice(0)) link.close('test over');
    });

    test('delivers many messages in order and intact, both ways at once', { timeout }, async () => {
      const [a, b] = await pair();
      const count = 300;
      const fromA = receive(b, count);
      const fromB = receive(a, count);
      const sent = Array.from({ length: count }, (_, i) => numbered(i, (i * 37) % 5000));
      await Promise.all([...sent.map((m) => a.send(m)), ...sent.map((m) => b.send(m))]);
      expect(await fromA).toEqual(sent);
      expect(await fromB).toEqual(sent);
    });

    test('delivers an empty message', { timeout }, async () => {
      const [a, b] = await pair();
      const got = receive(b, 2);
      await a.send(new Uint8Array(0));
      await a.send(Uint8Array.of(7));
      expect(await got).toEqual([new Uint8Array(0), Uint8Array.of(7)]);
    });

    test('delivers a 1.5 MiB message intact', { timeout }, async () => {
      const [a, b] = await pair();
      const big = pseudoRandomBytes(1.5 * 1024 * 1024, 42);
      const got = receive(b, 1);
      await a.send(big);
      const [message] = await got;
      expect(message?.length).toBe(big.length);
      expect(equalBytes(message!, big)).toBe(true);
    });

    test('refuses a message over maxMessageBytes and keeps working', { timeout }, async () => {
      const [a, b] = await pair();
      const tooBig = new Uint8Array(a.maxMessageBytes + 1);
      const refused = await a.send(tooBig).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MessageTooLargeError);
      expect(refused).toMatchObject({ size: a.maxMessageBytes + 1, maxMessageBytes: a.maxMessageBytes });
      expect(a.closed).toBe(false);
      const got = receive(b, 1);
      await a.send(Uint8Array.of(1, 2, 3));
      expect(await got).toEqual([Uint8Array.of(1, 2, 3)]);
    });

    test('loses nothing when 200 x 64 KiB are sent at once (back-pressure)', { timeout }, async () => {
      const [a, b] = await pair();
      const count = 200;
      const got = receive(b, count);
      const sent = Array.from({ length: count }, (_, i) => numbered(i, 64 * 1024));
      await Promise.all(sent.map((m) => a.send(m)));
      const messages = await got;
      expect(messages.length).toBe(count);
      messages.forEach((m, i) => expect(equalBytes(m, sent[i]!)).toBe(true));
    });

    test('a sent buffer may be reused once send resolves', { timeout }, async () => {
      const [a, b] = await pair();
      const got = receive(b, 1);
      const buffer = Uint8Array.of(1, 2, 3, 4);
      await a.send(buffer);
      buffer.fill(9);
      expect(await got).toEqual([Uint8Array.of(1, 2, 3, 4)]);
    });

    test('messages that arrive before a handler is attached wait for it', { timeout }, async () => {
      const [a, b] = await pair();
      await a.send(Uint8Array.of(1));
      await a.send(Uint8Array.of(2));
      await sleep(200);
      const got: number[] = [];
      b.onMessage((m) => got.push(m[0]!));
      await a.send(Uint8Array.of(3));
      await until(() => got.length === 3);
      expect(got).toEqual([1, 2, 3]);
    });

    test('close: both sides hear why, sends fail with LinkClosedError', { timeout }, async () => {
      const [a, b] = await pair();
      const reasonA = new Promise<string>((resolve) => a.onClose(resolve));
      const reasonB = new Promise<string>((resolve) => b.onClose(resolve));
      let closesOnA = 0;
      a.onClose(() => closesOnA++);
      a.close('test done');
      a.close('again');
      expect(await reasonA).toBe('test done');
      expect(await reasonB).toContain('test done');
      expect(a.closed && b.closed).toBe(true);
      expect(closesOnA).toBe(1);
      await expect(a.send(Uint8Array.of(1))).rejects.toBeInstanceOf(LinkClosedError);
      await expect(b.send(Uint8Array.of(1))).rejects.toBeInstanceOf(LinkClosedError);
      // A handler attached after the close still hears it.
      expect(await new Promise<string>((resolve) => b.onClose(resolve))).toContain('test done');
    });

    test('messages sent before a close arrive before it', { timeout }, async () => {
      const [a, b] = await pair();
      const got: number[] = [];
      b.onMessage((m) => got.push(m[0]!));
      const closed = new Promise<number>((resolve) => b.onClose(() => resolve(got.length)));
      for (let i = 0; i < 10; i++) await a.send(Uint8Array.of(i));
      a.close('done sending');
      expect(await closed).toBe(10);
    });

    test('detached handlers hear nothing more', { timeout }, async () => {
      const [a, b] = await pair();
      const first: number[] = [];
      const second: number[] = [];
      const detachFirst = b.onMessage((m) => first.push(m[0]!));
      b.onMessage((m) => second.push(m[0]!));
      await a.send(Uint8Array.of(1));
      await until(() => second.length === 1);
      detachFirst();
      await a.send(Uint8Array.of(2));
      await until(() => second.length === 2);
      expect(first).toEqual([1]);
      expect(second).toEqual([1, 2]);

      let heard = false;
      const detachClose = b.onClose(() => (heard = true));
      const closed = new Promise<void>((resolve) => b.onClose(() => resolve()));
      detachClose();
      a.close('bye');
      await closed;
      expect(heard).toBe(false);
    });
  });
}

function receive(link: Link, count: number): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const got: Uint8Array[] = [];
    link.onClose((reason) => reject(new Error(`link closed after ${got.length}/${count} messages: ${reason}`)));
    link.onMessage((m) => {
      got.push(m);
      if (got.length === count) resolve(got);
    });
  });
}

/** `size` bytes (at least 4) starting with the index, then a pattern that depends on it. */
function numbered(index: number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(4, size));
  new DataView(bytes.buffer).setUint32(0, index);
  for (let j = 4; j < bytes.length; j++) bytes[j] = (index + j * 7) & 255;
  return bytes;
}

function pseudoRandomBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
