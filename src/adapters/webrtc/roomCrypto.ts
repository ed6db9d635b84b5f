// Room messages encrypted with the room password exactly as y-webrtc does (its crypto.js),
// so any server of y-webrtc's signaling protocol relays them and sees only ciphertext:
//   key  = PBKDF2(SHA-256, 100,000 rounds, password, salt = room name) → AES-GCM-256
//   data = base64( varString "AES-GCM" · varBytes iv(12) · varBytes ciphertext )
// where the plaintext is the message in lib0's "any" encoding (signalValue.ts).
import { base64 } from '@scure/base';
import { decodeSignalValue, encodeSignalValue, type SignalValue } from './signalValue.ts';

/** Largest `data` string accepted from a signaling server (base64 of one sealed message). */
export const MAX_SEALED_CHARS = 96 * 1024;
const ALGORITHM = 'AES-GCM';
const IV_BYTES = 12;

/** A room message that does not decrypt with this room's key, or is not one at all. */
export class RoomCryptoError extends Error {
  override readonly name = 'RoomCryptoError';
}

// PBKDF2 with 100,000 rounds takes tens of milliseconds: rejoining a room (a reload of a
// context, a restart of the mesh) reuses the key instead of deriving it again.
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 64;

export function deriveRoomKey(password: string, roomName: string): Promise<CryptoKey> {
  if (!password) return Promise.reject(new RoomCryptoError('a room password is needed: signaling is always encrypted'));
  const cacheKey = JSON.stringify([password, roomName]);
  const cached = keys.get(cacheKey);
  if (cached) return cached;
  const encoder = new TextEncoder();
  const derived = crypto.subtle
    .importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey'])
    .then((material) =>
      crypto.subtle.deriveKey(
        { name: 'PBKDF2', salt: encoder.encode(roomName), iterations: 100_000, hash: 'SHA-256' },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
  if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value!);
  keys.set(cacheKey, derived);
  derived.catch(() => keys.delete(cacheKey));
  return derived;
}

export async function sealRoomMessage(message: SignalValue, key: CryptoKey): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encodeSignalValue(message) as Uint8Array<ArrayBuffer>));
  const name = new TextEncoder().encode(ALGORITHM);
  const out = new Uint8Array(1 + name.length + 1 + IV_BYTES + varUintBytes(cipher.length).length + cipher.length);
  let at = 0;
  for (const part of [Uint8Array.of(name.length), name, Uint8Array.of(IV_BYTES), iv, varUintBytes(cipher.length), cipher]) {
    out.set(part, at);
    at += part.length;
  }
  return base64.encode(out);
}

export async function openRoomMessage(data: string, key: CryptoKey): Promise<SignalValue> {
  if (data.length > MAX_SEALED_CHARS) throw new RoomCryptoError(`a sealed message of ${data.length} characters is over the limit of ${MAX_SEALED_CHARS}`);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64.decode(data) as Uint8Array<ArrayBuffer>;
  } catch {
    throw new RoomCryptoError('a room message is not base64');
  }
  let at = 0;
  const field = (): Uint8Array<ArrayBuffer> => {
    let length = 0;
    let mult = 1;
    for (;;) {
      if (at >= bytes.length || mult > 128 ** 4) throw new RoomCryptoError('a room message is truncated');
      const b = bytes[at++]!;
      length += (b & 0x7f) * mult;
      mult *= 128;
      if (b < 0x80) break;
    }
    if (at + length > bytes.length) throw new RoomCryptoError('a room message is truncated');
    return bytes.subarray(at, (at += length));
  };
  const algorithm = new TextDecoder().decode(field());
  if (algorithm !== ALGORITHM) throw new RoomCryptoError(`a room message uses "${algorithm.slice(0, 32)}", not ${ALGORITHM}`);
  const iv = field();
  const cipher = field();
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, cipher);
  } catch {
    throw new RoomCryptoError('a room message does not decrypt with this room password');
  }
  return decodeSignalValue(new Uint8Array(plain));
}

function varUintBytes(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}
