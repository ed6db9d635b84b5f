// Everything providerMesh knows about y-webrtc (10.3) and simple-peer (9.11) internals,
// in one place: a y-webrtc upgrade should break here and nowhere else. Read against
// node_modules/y-webrtc/src/y-webrtc.js.
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';

/** simple-peer's Peer, as far as we touch it. `_pc` is its RTCPeerConnection (null once destroyed). */
interface SimplePeer {
  _pc: RTCPeerConnection | null;
  destroyed: boolean;
  on(event: 'close', listener: () => void): void;
  removeListener(event: 'close', listener: () => void): void;
}

/** y-webrtc's WebrtcConn: one simple-peer connection to one remote provider. */
interface WebrtcConn {
  remotePeerId: string;
  closed: boolean;
  peer: SimplePeer;
  destroy(): void;
}

/** y-webrtc's Room: `webrtcConns` by remote peer id (BroadcastChannel peers are not in it). */
interface Room {
  peerId: string;
  webrtcConns: Map<string, WebrtcConn>;
}

/** One live WebRTC connection of the mesh. The same object for as long as the connection lives. */
export interface MeshConnection {
  /** y-webrtc's random id of the remote provider (per provider instance; unauthenticated). */
  readonly remotePeerId: string;
  readonly peerConnection: RTCPeerConnection;
  /** Calls `listener` once when the connection is gone (at once if it already is). */
  onGone(listener: () => void): () => void;
  /** Tear the connection down; y-webrtc may later connect to that peer again. */
  destroy(): void;
}

export interface MeshProvider {
  /** The connections that exist now (connected or still connecting). */
  connections(): MeshConnection[];
  /** Called whenever y-webrtc reports peers added or removed. */
  onPeersChanged(listener: () => void): void;
  destroy(): void;
}

export interface MeshProviderOptions {
  roomName: string;
  password: string;
  signalingUrls: string[];
  iceServers: RTCIceServer[];
  maxConns?: number;
}

/**
 * A WebrtcProvider on an empty Y.Doc of its own, used only for rendezvous and connections.
 * `filterBcConns` stays on (y-webrtc's default): tabs of this browser profile that find
 * each other over BroadcastChannel do not also open WebRTC connections to each other.
 */
export function createMeshProvider(options: MeshProviderOptions): MeshProvider {
  const doc = new Y.Doc();
  const provider = new WebrtcProvider(options.roomName, doc, {
    signaling: options.signalingUrls,
    password: options.password,
    filterBcConns: true,
    peerOpts: { config: { iceServers: options.iceServers } },
    ...(options.maxConns === undefined ? {} : { maxConns: options.maxConns }),
  });
  const wrappers = new WeakMap<WebrtcConn, MeshConnection>();
  const wrap = (conn: WebrtcConn, pc: RTCPeerConnection): MeshConnection => {
    let wrapper = wrappers.get(conn);
    if (!wrapper) {
      wrapper = {
        remotePeerId: conn.remotePeerId,
        peerConnection: pc,
        onGone(listener) {
          if (conn.closed || conn.peer.destroyed) {
            listener();
            return () => {};
          }
          conn.peer.on('close', listener);
          return () => conn.peer.removeListener('close', listener);
        },
        destroy: () => conn.destroy(),
      };
      wrappers.set(conn, wrapper);
    }
    return wrapper;
  };

  return {
    connections() {
      const room = (provider as unknown as { room: Room | null }).room;
      if (!room) return [];
      const live: MeshConnection[] = [];
      for (const conn of room.webrtcConns.values()) {
        const pc = conn.peer._pc;
        if (pc && !conn.closed && !conn.peer.destroyed) live.push(wrap(conn, pc));
      }
      return live;
    },
    onPeersChanged(listener) {
      provider.on('peers', listener);
    },
    destroy() {
      // destroy() alone leaves the signaling WebSocket open; disconnect() releases it.
      provider.disconnect();
      provider.destroy();
      doc.destroy();
    },
  };
}
