import { decodeSignalValue, SignalValueError } from '../../src/adapters/webrtc/signalValue.ts';
import { parseRoomMessage, roomMessageValue, RoomMessageError, type RoomMessage } from '../../src/adapters/webrtc/roomMessages.ts';
import { encodeSignalValue } from '../../src/adapters/webrtc/signalValue.ts';
import type { FuzzTarget } from '../target.ts';
import { tokens } from '../tokens.ts';

/**
 * A signaling room message once opened with the room password: anyone who holds the
 * password (any member, any past invitee) chooses these bytes. Decoded as y-webrtc's value
 * encoding, then read as one of the room messages.
 */
export const roomMessageTarget: FuzzTarget<RoomMessage> = {
  name: 'room-message',
  decoder: 'decodeSignalValue + parseRoomMessage (src/adapters/webrtc)',
  async seeds() {
    const messages: RoomMessage[] = [
      { type: 'announce', from: 'a1b2c3' },
      { type: 'announce', from: 'a1b2c3', to: 'd4e5f6' },
      { type: 'signal', from: 'a1b2c3', to: 'd4e5f6', session: 's-1', signal: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } },
      { type: 'signal', from: 'a1b2c3', to: 'd4e5f6', signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } } },
      { type: 'decline', from: 'a1b2c3', to: 'd4e5f6', session: 's-2' },
      { type: 'leave', from: 'a1b2c3' },
    ];
    return messages.map((m) => encodeSignalValue(roomMessageValue(m)));
  },
  maxInputBytes: 4 * 1024,
  dictionary: tokens('announce', 'signal', 'decline', 'leave', 'offer', 'answer', 'candidate', 'from', 'to', 'session', 'sdp', 'sdpMid', 'sdpMLineIndex', '__proto__'),
  decode: (input) => parseRoomMessage(decodeSignalValue(input)),
  isRefusal: (error) => error instanceof SignalValueError || error instanceof RoomMessageError,
};
