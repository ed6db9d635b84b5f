import { describe, expect, test } from 'vitest';
// y-webrtc's own crypto (not in its exports map, hence the path): what we must match.
// @ts-expect-error plain JavaScript without declarations
import * as yCrypto from '../../../node_modules/y-webrtc/src/crypto.js';
import { deriveRoomKey, openRoomMessage, RoomCryptoError, sealRoomMessage } from './roomCrypto.ts';
import { decodeSignalValue, encodeSignalValue, type SignalValue, SignalValueError } from './signalValue.ts';

interface YCrypto {
  deriveKey(secret: string, roomName: string): Promise<CryptoKey>;
  /** With no key: lib0's writeAny bytes as they are (readAny for decryptJson). */
  encryptJson(data: unknown, key: CryptoKey | null): Promise<Uint8Array>;
  decryptJson(data: Uint8Array, key: CryptoKey | null): Promise<unknown>;
}
const y = yCrypto as YCrypto;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

// Every shape y-webrtc's signaling carries, and the edges of lib0's number encoding.
const samples: SignalValue[] = [
  { type: 'announce', from: 'b5b1a3f0-4f5e-4c4e-9d0a-2f4f7f5a1c11' },
  { type: 'signal', from: 'a', to: 'b', token: 1712345678901.123, signal: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } },
  { type: 'signal', from: 'a', to: 'b', signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } } },
  [0, 1, -1, 63, 64, -64, 0x7fffffff, -0x7fffffff, 0x80000000, 0.5, 1 / 3, -2.75, 1e300, null, undefined, true, false, 'ü€😀', ''],
];

describe('signaling values are lib0 "any" values, byte for byte', () => {
  test.each(samples.map((s) => [JSON.stringify(s).slice(0, 60), s]))('%s', async (_name, value) => {
    const theirs = await y.encryptJson(value, null);
    expect(encodeSignalValue(value)).toEqual(theirs);
    expect(decodeSignalValue(theirs)).toEqual(await y.decryptJson(encodeSignalValue(value), null));
  });

  test('decoding is bounded and strict', () => {
    const deep: SignalValue = [[[[[[[[[[1]]]]]]]]]];
    expect(() => decodeSignalValue(Uint8Array.from([...Array<number>(10).fill(117).flatMap((t) => [t, 1]), 126]))).toThrow(/deeper/);
    expect(() => encodeSignalValue(deep)).toThrow(/deeper/);
    expect(() => decodeSignalValue(Uint8Array.of(117, 0xff, 0x7f))).toThrow(/entries/);
    expect(() => decodeSignalValue(Uint8Array.of(119, 5, 65))).toThrow(/past the end/);
    expect(() => decodeSignalValue(Uint8Array.of(126, 126))).toThrow(/follow/);
    expect(() => decodeSignalValue(Uint8Array.of(116, 0))).toThrow(SignalValueError);
    const proto = decodeSignalValue(encodeSignalValue({ ['__proto__']: 'x' } as SignalValue)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(null);
  });
});

describe('room messages are sealed as y-webrtc seals them', () => {
  test('y-webrtc opens ours and we open y-webrtc\'s, with keys derived on each side', async () => {
    const ours = await deriveRoomKey('room password', 'room-name');
    const theirs = await y.deriveKey('room password', 'room-name');
    const message = samples[1]!;
    expect(await y.decryptJson(fromBase64(await sealRoomMessage(message, ours)), theirs)).toEqual(message);
    expect(await openRoomMessage(toBase64(await y.encryptJson(message, theirs)), ours)).toEqual(message);
  });

  test('another password, another room or tampering do not open', async () => {
    const sealed = await sealRoomMessage({ type: 'announce', from: 'a' }, await deriveRoomKey('pw', 'room'));
    await expect(openRoomMessage(sealed, await deriveRoomKey('other', 'room'))).rejects.toThrow(RoomCryptoError);
    await expect(openRoomMessage(sealed, await deriveRoomKey('pw', 'room2'))).rejects.toThrow(/does not decrypt/);
    const bytes = fromBase64(sealed);
    bytes[bytes.length - 1]! ^= 1;
    await expect(openRoomMessage(toBase64(bytes), await deriveRoomKey('pw', 'room'))).rejects.toThrow(/does not decrypt/);
    await expect(openRoomMessage('%%%', await deriveRoomKey('pw', 'room'))).rejects.toThrow(/base64/);
    await expect(openRoomMessage(toBase64(Uint8Array.of(3, 65, 66, 67)), await deriveRoomKey('pw', 'room'))).rejects.toThrow(/"ABC"/);
    await expect(deriveRoomKey('', 'room')).rejects.toThrow(/password is needed/);
  });
});
