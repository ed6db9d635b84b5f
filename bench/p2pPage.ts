// The in-page half of the two-browser figures, loaded by bench.html?p2p (bench/p2p.ts drives
// it from Node through window.__p2p). Nothing here runs on the app's own pages: the app's
// node and these baselines never share a page at the same time.
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { openBrowserNode } from '../src/node/browserNode.ts';

/** Wall-clock ms with sub-ms resolution, comparable between pages of this machine. */
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface BuildResult {
  id: string;
  ms: number;
  opCount: number;
  heads: number;
  invalid: number;
}

/** Chunk size of the raw transfer, and its back-pressure marks: the same as the app's Link. */
const RAW_FRAME = 16 * 1024;
const RAW_HIGH_WATER = 1024 * 1024;
const RAW_LOW_WATER = 256 * 1024;

export interface RawPull {
  /** From the start until the data channel is open (signaling connect, offer/answer, ICE, DTLS, SCTP). */
  setupMs: number;
  /** From asking for the bytes until the last one arrived. */
  transferMs: number;
  totalMs: number;
  bytes: number;
}

export interface P2pApi {
  /**
   * Open this profile's node (the app's own Node API, without its UI), create a context and
   * make `n` key/value writes one after another, each on the current heads; then close it.
   */
  build(n: number, keys: number): Promise<BuildResult>;
  /** Sender side of the raw baseline: answer one offer on `topic`, send what is asked for. */
  rawServe(signalingUrl: string, topic: string): Promise<void>;
  /** Receiver side: connect through the signaling, open a channel, pull `bytes` bytes. */
  rawPull(signalingUrl: string, topic: string, bytes: number): Promise<RawPull>;
  /** Join a plain y-webrtc room with a Y.Map; resolves once connected to the signaling server. */
  yJoin(signalingUrl: string, room: string, password: string): Promise<void>;
  /** Say hello until the other page's hello arrives (false: not within `timeoutMs`). */
  yHello(role: 'writer' | 'reader', timeoutMs: number): Promise<boolean>;
  /** Writer: set `count` keys, one every `spacingMs`; returns each key's send time. */
  ySend(count: number, spacingMs: number): Promise<Record<string, number>>;
  /** Reader: when each key was first observed. */
  yReceived(): Record<string, number>;
  yLeave(): void;
}

declare global {
  interface Window {
    __p2p?: P2pApi;
  }
}

interface Signal {
  publish(body: Record<string, unknown>): void;
  receive(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): void;
}

/** The app's /signal relay: subscribe to `topic`, wait until our own probe comes back. */
async function signal(url: string, topic: string, self: string): Promise<Signal> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const inbox: Record<string, unknown>[] = [];
  let wake = (): void => {};
  ws.onmessage = (e: MessageEvent<string>) => {
    inbox.push(JSON.parse(e.data) as Record<string, unknown>);
    wake();
  };
  const receive = async (match: (m: Record<string, unknown>) => boolean) => {
    for (;;) {
      const i = inbox.findIndex(match);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      await new Promise<void>((r) => (wake = r));
    }
  };
  const publish = (body: Record<string, unknown>) => ws.send(JSON.stringify({ ...body, type: 'publish', topic, from: self }));
  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  publish({ kind: 'probe' });
  await receive((m) => m.from === self && m.kind === 'probe');
  return { publish, receive, close: () => ws.close() };
}

/** Trickle-free ICE: the SDP carries every candidate once gathering is complete. */
async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
  }
  return pc.localDescription!.sdp;
}

let y: { doc: Y.Doc; provider: WebrtcProvider; map: Y.Map<number>; received: Record<string, number> } | undefined;

const api: P2pApi = {
  async build(n, keys) {
    const node = await openBrowserNode();
    try {
      const id = await node.contexts.create('bench: 10k ops');
      let invalid = 0;
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const out = await node.contexts.open(id).write({ method: 'set', args: { key: `k${i % keys}`, value: i } });
        if (!out.valid) invalid++;
      }
      const ms = performance.now() - start;
      const v = await node.contexts.open(id).view();
      return { id, ms, opCount: v.opCount, heads: v.heads.length, invalid };
    } finally {
      await node.close();
    }
  },

  async rawServe(url, topic) {
    const s = await signal(url, topic, 'sender');
    void (async () => {
      const offer = await s.receive((m) => m.kind === 'offer');
      const pc = new RTCPeerConnection({ iceServers: [] });
      pc.ondatachannel = ({ channel }) => {
        channel.binaryType = 'arraybuffer';
        channel.bufferedAmountLowThreshold = RAW_LOW_WATER;
        channel.onmessage = async (e: MessageEvent<string>) => {
          let left = Number(e.data);
          const frame = new Uint8Array(RAW_FRAME).fill(7);
          while (left > 0) {
            if (channel.bufferedAmount > RAW_HIGH_WATER) {
              await new Promise<void>((r) => channel.addEventListener('bufferedamountlow', () => r(), { once: true }));
            }
            const size = Math.min(RAW_FRAME, left);
            channel.send(size === RAW_FRAME ? frame : frame.subarray(0, size));
            left -= size;
          }
          // The receiver closes the connection when it has everything.
          pc.addEventListener('connectionstatechange', () => pc.connectionState !== 'connected' && pc.close());
        };
      };
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp as string });
      await pc.setLocalDescription(await pc.createAnswer());
      s.publish({ kind: 'answer', sdp: await gathered(pc) });
      s.close();
    })();
  },

  async rawPull(url, topic, bytes) {
    const start = now();
    const s = await signal(url, topic, 'receiver');
    const pc = new RTCPeerConnection({ iceServers: [] });
    const channel = pc.createDataChannel('raw', { ordered: true });
    channel.binaryType = 'arraybuffer';
    const open = new Promise<void>((r) => (channel.onopen = () => r()));
    await pc.setLocalDescription(await pc.createOffer());
    s.publish({ kind: 'offer', sdp: await gathered(pc) });
    const answer = await s.receive((m) => m.kind === 'answer');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp as string });
    await open;
    const opened = now();
    let got = 0;
    const done = new Promise<void>((r) => {
      channel.onmessage = (e: MessageEvent<ArrayBuffer>) => {
        got += e.data.byteLength;
        if (got >= bytes) r();
      };
    });
    channel.send(String(bytes));
    await done;
    const end = now();
    s.close();
    pc.close();
    return { setupMs: opened - start, transferMs: end - opened, totalMs: end - start, bytes: got };
  },

  async yJoin(url, room, password) {
    const doc = new Y.Doc();
    const provider = new WebrtcProvider(room, doc, { signaling: [url], password });
    const map = doc.getMap<number>('bench');
    const received: Record<string, number> = {};
    map.observe((event) => {
      const t = now();
      for (const key of event.keysChanged) if (!(key in received)) received[key] = t;
    });
    y = { doc, provider, map, received };
    // Connected to the signaling server (and so subscribed to the room) before the other page comes.
    for (let i = 0; !provider.signalingConns.every((c) => c.connected); i++) {
      if (i > 200) throw new Error('y-webrtc: no signaling connection within 10 s');
      await sleep(50);
    }
  },

  async yHello(role, timeoutMs) {
    // Each side says hello until it hears the other's: the connection is up and synced both ways.
    const other = role === 'writer' ? 'hello-reader' : 'hello-writer';
    const until = now() + timeoutMs;
    for (let i = 0; !(other in y!.received); i++) {
      if (now() > until) return false;
      y!.map.set(`hello-${role}`, i);
      await sleep(50);
    }
    return true;
  },

  async ySend(count, spacingMs) {
    const sent: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const due = now() + spacingMs;
      const key = `s${i}`;
      sent[key] = now();
      y!.map.set(key, i);
      await sleep(Math.max(0, due - now()));
    }
    return sent;
  },

  yReceived: () => ({ ...y!.received }),

  yLeave() {
    y?.provider.disconnect();
    y?.provider.destroy();
    y?.doc.destroy();
    y = undefined;
  },
};

window.__p2p = api;
