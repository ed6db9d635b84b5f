import { describe, expect, test } from 'vitest';
import { DecodeError, EncodeError } from '../codec/index.ts';
import { DIRECTORY_LIMITS, DIRECTORY_PROTOCOL_VERSION, MESSAGE_MAX_BYTES, SEALED_MAX_BYTES, directoryCodec, entriesCodec, type DirectoryEntry } from './messages.ts';

const entry = (i: number, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  context: new Uint8Array(32).fill(i & 0xff),
  name: `context ${i}`,
  secret: new Uint8Array(32).fill(7),
  signaling: ['wss://signal.example/signal'],
  ...over,
});

const decodeCode = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof DecodeError ? e.code : `not a DecodeError: ${String(e)}`;
  }
  return undefined;
};

describe('directory messages', () => {
  test('every message round-trips canonically', () => {
    const messages = [
      { kind: 'hello', protocol: DIRECTORY_PROTOCOL_VERSION, room: new Uint8Array(32).fill(1), nonce: new Uint8Array(32).fill(2), gotYours: true },
      { kind: 'ask', key: new Uint8Array(32).fill(3), delegation: new Uint8Array(300).fill(4), boxKey: new Uint8Array(32).fill(5), signature: new Uint8Array(64).fill(6) },
      { kind: 'entries', box: { enc: new Uint8Array(32).fill(7), sealed: new Uint8Array(1000).fill(8) } },
      { kind: 'refused', reason: 'no' },
      { kind: 'bye', reason: 'done' },
    ] as const;
    for (const m of messages) {
      const bytes = directoryCodec.encode(m);
      expect(directoryCodec.decode(bytes)).toEqual(m);
      expect(directoryCodec.encode(directoryCodec.decode(bytes))).toEqual(bytes);
    }
  });

  test('an answer of the largest allowed size fits its bound and the Link', () => {
    const big = Array.from({ length: DIRECTORY_LIMITS.entriesPerAnswer }, (_, i) =>
      entry(i, { name: 'n'.repeat(DIRECTORY_LIMITS.nameBytes), signaling: Array.from({ length: DIRECTORY_LIMITS.signalingUrls }, (_, j) => `wss://${j}.example/`.padEnd(DIRECTORY_LIMITS.urlBytes, 'x')) }),
    );
    const bytes = entriesCodec.encode(big);
    expect(bytes.length).toBeLessThanOrEqual(entriesCodec.maxBytes);
    expect(entriesCodec.decode(bytes)).toHaveLength(DIRECTORY_LIMITS.entriesPerAnswer);
    // The largest answer message: a box of the largest sealed size (plaintext bound + 16-byte tag).
    expect(SEALED_MAX_BYTES).toBe(entriesCodec.maxBytes + 16);
    const largest = directoryCodec.encode({ kind: 'entries', box: { enc: new Uint8Array(32), sealed: new Uint8Array(SEALED_MAX_BYTES) } });
    expect(largest.length).toBe(MESSAGE_MAX_BYTES);
    expect(directoryCodec.maxBytes).toBe(MESSAGE_MAX_BYTES);
    expect(MESSAGE_MAX_BYTES).toBeLessThan(4 * 1024 * 1024);
    expect(() => directoryCodec.encode({ kind: 'entries', box: { enc: new Uint8Array(32), sealed: new Uint8Array(SEALED_MAX_BYTES + 1) } })).toThrow(EncodeError);
  });

  test('encoding refuses values over the bounds', () => {
    expect(() => entriesCodec.encode(Array.from({ length: DIRECTORY_LIMITS.entriesPerAnswer + 1 }, (_, i) => entry(i)))).toThrow(EncodeError);
    expect(() => entriesCodec.encode([entry(1, { name: 'n'.repeat(DIRECTORY_LIMITS.nameBytes + 1) })])).toThrow(EncodeError);
    expect(() => entriesCodec.encode([entry(1, { signaling: Array(DIRECTORY_LIMITS.signalingUrls + 1).fill('wss://a/') })])).toThrow(EncodeError);
    expect(() => entriesCodec.encode([entry(1, { secret: new Uint8Array(31) })])).toThrow(EncodeError);
    expect(() => directoryCodec.encode({ kind: 'refused', reason: 'x'.repeat(DIRECTORY_LIMITS.reasonBytes + 1) })).toThrow(EncodeError);
  });

  test('decoding refuses malformed and oversized input with a reason', () => {
    const hello = directoryCodec.encode({ kind: 'hello', protocol: 1, room: new Uint8Array(32), nonce: new Uint8Array(32), gotYours: false });
    expect(decodeCode(() => directoryCodec.decode(hello.subarray(0, hello.length - 1)))).toBe('truncated');
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array([...hello, 0])))).toBe('trailing-bytes');
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array([0x50, ...hello.subarray(1)])))).toBe('bad-tag');
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array([0x60, 2, ...hello.subarray(2)])))).toBe('bad-version');
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array([0x60, 1, 9])))).toBe('bad-tag');
    // gotYours is a boolean: 2 is not canonical.
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array([...hello.subarray(0, hello.length - 1), 2])))).toBe('non-canonical');
    expect(decodeCode(() => directoryCodec.decode(new Uint8Array(directoryCodec.maxBytes + 1)))).toBe('too-long');
    // A count over the bound is refused before anything is allocated.
    const tooMany = new Uint8Array([0x61, 1, 0x81, 0x02]); // 257 entries, then nothing
    expect(decodeCode(() => entriesCodec.decode(tooMany))).toBe('too-long');
    const longName = entriesCodec.encode([entry(1)]);
    longName[2 + 1 + 32] = DIRECTORY_LIMITS.nameBytes + 1; // the name's length byte
    expect(decodeCode(() => entriesCodec.decode(longName))).toBe('too-long');
  });
});
