// What peers in a room say to each other through the signaling server (inside the sealed
// `data` of a publish; roomCrypto.ts). y-webrtc's messages, plus two of ours that y-webrtc
// peers ignore (they switch on `type` and have no default):
//   announce  {type, from, to?}         "I am here"; `to`: a reply to one newcomer
//   signal    {type, from, to, signal, token?, session?}
//             signal = {type: 'offer'|'answer', sdp} | {type: 'candidate', candidate}
//             token: y-webrtc's glare token (ignored); session: our id of the sender's
//             RTCPeerConnection, so signals of an old connection are told from a new one
//   decline   {type, from, to, session}  ours: "not connecting to you now" (mesh full)
//   leave     {type, from}               ours: "I am leaving the room"
import type { SignalValue } from './signalValue.ts';

export type Signal = { type: 'offer' | 'answer'; sdp: string } | { type: 'candidate'; candidate: RTCIceCandidateInit };

export type RoomMessage =
  | { type: 'announce'; from: string; to?: string }
  | { type: 'signal'; from: string; to: string; signal: Signal; session?: string }
  | { type: 'decline'; from: string; to: string; session: string }
  | { type: 'leave'; from: string };

/** Peer ids and session ids: y-webrtc's are UUIDs; anything printable up to this length. */
const MAX_ID_CHARS = 64;
const MAX_SDP_CHARS = 16 * 1024;
const MAX_CANDIDATE_CHARS = 1024;

/** A decrypted room message that is not one of the messages above; it is ignored. */
export class RoomMessageError extends Error {
  override readonly name = 'RoomMessageError';
}

type Fields = { [key: string]: SignalValue };

const isObject = (v: SignalValue): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

function id(value: SignalValue, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_CHARS || !/^[\x21-\x7e]+$/.test(value)) {
    throw new RoomMessageError(`${field} must be a printable id of 1 to ${MAX_ID_CHARS} characters`);
  }
  return value;
}

function text(value: SignalValue, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) throw new RoomMessageError(`${field} must be a string of at most ${max} characters`);
  return value;
}

function parseSignal(value: SignalValue): Signal {
  if (!isObject(value)) throw new RoomMessageError('signal must be an object');
  if (value.type === 'offer' || value.type === 'answer') return { type: value.type, sdp: text(value.sdp, 'signal.sdp', MAX_SDP_CHARS) };
  if (value.type === 'candidate' && isObject(value.candidate)) {
    const c = value.candidate;
    const candidate: RTCIceCandidateInit = { candidate: text(c.candidate, 'candidate.candidate', MAX_CANDIDATE_CHARS) };
    if (c.sdpMid !== undefined && c.sdpMid !== null) candidate.sdpMid = text(c.sdpMid, 'candidate.sdpMid', MAX_ID_CHARS);
    if (typeof c.sdpMLineIndex === 'number' && Number.isInteger(c.sdpMLineIndex) && c.sdpMLineIndex >= 0 && c.sdpMLineIndex < 64) candidate.sdpMLineIndex = c.sdpMLineIndex;
    if (c.usernameFragment !== undefined && c.usernameFragment !== null) candidate.usernameFragment = text(c.usernameFragment, 'candidate.usernameFragment', MAX_ID_CHARS);
    return { type: 'candidate', candidate };
  }
  // simple-peer's renegotiate / transceiverRequest: nothing we use.
  throw new RoomMessageError(`signal type ${JSON.stringify(String(value.type)).slice(0, 40)} is not used here`);
}

export function parseRoomMessage(value: SignalValue): RoomMessage {
  if (!isObject(value)) throw new RoomMessageError('a room message must be an object');
  const from = id(value.from, 'from');
  switch (value.type) {
    case 'announce':
      return value.to === undefined ? { type: 'announce', from } : { type: 'announce', from, to: id(value.to, 'to') };
    case 'signal': {
      const message: RoomMessage = { type: 'signal', from, to: id(value.to, 'to'), signal: parseSignal(value.signal) };
      if (value.session !== undefined) message.session = id(value.session, 'session');
      return message;
    }
    case 'decline':
      return { type: 'decline', from, to: id(value.to, 'to'), session: id(value.session, 'session') };
    case 'leave':
      return { type: 'leave', from };
    default:
      throw new RoomMessageError(`room message type ${JSON.stringify(String(value.type)).slice(0, 40)} is unknown`);
  }
}

/** The wire form of a message we send (undefined fields left out). */
export function roomMessageValue(message: RoomMessage): SignalValue {
  return JSON.parse(JSON.stringify(message)) as SignalValue;
}
