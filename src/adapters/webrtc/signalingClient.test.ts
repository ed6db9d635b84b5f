import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { attachSignaling, type SignalingServer } from '../../../server/signaling.ts';
import { joinRoomSignaling, MAX_SIGNALING_MESSAGE_CHARS, type RoomSignaling, SignalingError, type WebSocketFactory } from './signalingClient.ts';

// The client against the real relay (server/signaling.ts) on loopback, in Node with `ws`.

/** `ws`'s WebSocket, noting every send made while the socket was not OPEN. */
const sendsWhileNotOpen: number[] = [];
class CheckedWebSocket extends NodeWebSocket {
  constructor(url: string) {
    super(url);
    const send = this.send.bind(this);
    this.send = ((data: string) => {
      if (this.readyState !== NodeWebSocket.OPEN) sendsWhileNotOpen.push(this.readyState);
      send(data);
    }) as NodeWebSocket['send'];
  }
}
const WebSocket = CheckedWebSocket as unknown as WebSocketFactory;

let http: Server | undefined;
let relay: SignalingServer | undefined;
const rooms: RoomSignaling[] = [];

async function startRelay(port = 0): Promise<string> {
  http = createServer();
  relay = attachSignaling(http);
  await new Promise<void>((resolve) => http!.listen(port, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/signal`;
}

async function stopRelay(): Promise<void> {
  await relay?.close();
  await new Promise((resolve) => http?.close(resolve));
  relay = undefined;
}

afterEach(async () => {
  rooms.splice(0).forEach((r) => r.close());
  await stopRelay();
  sendsWhileNotOpen.length = 0;
});

/** A room on `urls`, recording what it hears and each time a socket opens. */
function join(urls: string[], topic: string) {
  const heard: unknown[] = [];
  const opens: string[] = [];
  const room = joinRoomSignaling({ urls, topic, WebSocket, onOpen: (url) => opens.push(url), onData: (data) => heard.push(data) });
  rooms.push(room);
  return { room, heard, opens };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('signaling client', () => {
  test('rooms meet through the relay: what one publishes the others hear', async () => {
    const url = await startRelay();
    const a = join([url], 'room-1');
    const b = join([url], 'room-1');
    const other = join([url], 'room-2');
    await until(() => a.opens.length === 1 && b.opens.length === 1 && other.opens.length === 1, 'all are subscribed');
    await until(() => {
      a.room.publish('hello');
      return b.heard.includes('hello');
    }, 'b hears a');
    expect(other.heard).toEqual([]);
    expect(sendsWhileNotOpen).toEqual([]);
  });

  test('reconnects after the server restarts, subscribes again and says so through onOpen; never sends while down', async () => {
    const url = await startRelay();
    const port = Number(new URL(url).port);
    const a = join([url], 'room');
    const b = join([url], 'room');
    await until(() => a.opens.length === 1 && b.opens.length === 1, 'both are subscribed');
    await stopRelay();
    await until(() => a.room.openUrls().length === 0, 'a notices the server is gone');
    // Down: nothing goes out and nothing throws.
    expect(a.room.publish('lost')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a few reconnection attempts
    await startRelay(port);
    await until(() => a.opens.length === 2 && b.opens.length === 2, 'both reconnect');
    await until(() => {
      a.room.publish('again');
      return b.heard.includes('again');
    }, 'b hears a through the restarted server');
    expect(b.heard).not.toContain('lost');
    expect(sendsWhileNotOpen).toEqual([]);
  });

  test('with several servers, one of them down, the others carry the room', async () => {
    const url = await startRelay();
    const dead = 'ws://127.0.0.1:1/signal';
    const a = join([dead, url], 'room');
    const b = join([url, dead], 'room');
    await until(() => a.room.openUrls().length === 1 && b.room.openUrls().length === 1, 'both reach the live server');
    await until(() => {
      a.room.publish('via the live one');
      return b.heard.includes('via the live one');
    }, 'b hears a');
  });

  test('refuses to send a message over the limit', async () => {
    const url = await startRelay();
    const a = join([url], 'room');
    await until(() => a.opens.length === 1, 'a is subscribed');
    expect(() => a.room.publish('x'.repeat(MAX_SIGNALING_MESSAGE_CHARS))).toThrow(SignalingError);
  });

  test('needs at least one server', () => {
    expect(() => joinRoomSignaling({ urls: [], topic: 't', onOpen() {}, onData() {} })).toThrow(/add one in Settings/);
  });
});
