import type { Link } from '../../core/mesh/Link.ts';
import { openDataChannelLink } from './dataChannelLink.ts';
import type { MeshConnection } from './yWebrtc.ts';
import { createMeshProvider } from './yWebrtc.ts';

/** The id of the negotiated data channel both sides add to each connection (simple-peer's own is 0 or 1). */
export const TABNODE_CHANNEL_ID = 100;
const CHANNEL_LABEL = 'tabnode';

export interface ProviderMeshOptions {
  /** Rendezvous room; derive it so a signaling server learns nothing (see DESIGN §4). */
  roomName: string;
  /** Encrypts the signaling; peers without it cannot connect. */
  password: string;
  signalingUrls: string[];
  iceServers: RTCIceServer[];
  /** Most WebRTC connections this node keeps in the room (y-webrtc's partial mesh). */
  maxConns?: number;
  maxMessageBytes?: number;
  /**
   * A connection whose Link is not open by then is torn down, and y-webrtc connects again.
   * This also unsticks y-webrtc's glare race (see README). Default 10 s.
   */
  openTimeoutMs?: number;
  /** Called once per connection, when its Link is open. A new connection gives a new Link. */
  onLink: (link: Link, remotePeerId: string) => void;
}

export interface ProviderMesh {
  /** y-webrtc peer ids of the peers this node has an open Link with. */
  peerIds(): string[];
  /** Closes every Link and leaves the room. */
  close(): void;
}

/** A second mesh on a room this page already has open: y-webrtc allows one provider per room. */
export class RoomInUseError extends Error {
  override readonly name = 'RoomInUseError';
  constructor(readonly roomName: string) {
    super(`a mesh for room ${roomName} is already open in this page; close it first or reuse it`);
  }
}

const openRooms = new Set<string>();
let linkCount = 0;

/**
 * Rendezvous and WebRTC connections from y-webrtc's WebrtcProvider, used only as a mesh:
 * on each of its connections both sides add a negotiated data channel and speak
 * Tabnode's own protocol over it, as a Link. A connection without a Link is useless here,
 * so when a Link closes its connection is torn down too (y-webrtc may connect again,
 * giving a new Link), and when the connection goes the Link closes.
 */
export function openProviderMesh(options: ProviderMeshOptions): ProviderMesh {
  const { roomName } = options;
  if (openRooms.has(roomName)) throw new RoomInUseError(roomName);
  openRooms.add(roomName);
  const provider = createMeshProvider(options);
  const openTimeoutMs = options.openTimeoutMs ?? 10_000;
  const links = new Map<MeshConnection, Link | undefined>();
  let closed = false;

  const attach = (conn: MeshConnection): void => {
    links.set(conn, undefined);
    // Created at once, on both sides before their connection is up; READY covers the rest.
    const channel = conn.peerConnection.createDataChannel(CHANNEL_LABEL, { negotiated: true, id: TABNODE_CHANNEL_ID });
    const timer = setTimeout(() => conn.destroy(), openTimeoutMs);
    const stopWatching = conn.onGone(() => {
      links.get(conn)?.close('WebRTC connection closed');
      if (channel.readyState !== 'closed') channel.close();
      links.delete(conn);
    });
    openDataChannelLink(channel, {
      id: `webrtc:${++linkCount}:${conn.remotePeerId}`,
      remoteHint: conn.remotePeerId,
      peerConnection: conn.peerConnection,
      maxMessageBytes: options.maxMessageBytes,
    }).then(
      (link) => {
        clearTimeout(timer);
        if (closed || !links.has(conn)) return link.close('mesh closed');
        links.set(conn, link);
        link.onClose(() => {
          stopWatching();
          links.delete(conn);
          destroyAfterFlush(conn, channel);
        });
        options.onLink(link, conn.remotePeerId);
      },
      () => {
        clearTimeout(timer);
        conn.destroy();
      },
    );
  };

  const scan = (): void => {
    if (closed) return;
    for (const conn of provider.connections()) if (!links.has(conn)) attach(conn);
  };
  provider.onPeersChanged(scan);
  scan();

  return {
    peerIds: () => [...links].flatMap(([conn, link]) => (link && !link.closed ? [conn.remotePeerId] : [])),
    close() {
      if (closed) return;
      closed = true;
      for (const link of [...links.values()]) link?.close('mesh closed');
      provider.destroy();
      openRooms.delete(roomName);
    },
  };
}

// Let a closing channel send what it holds (the CLOSE frame with our reason) before the
// connection under it goes; give up waiting after a second.
function destroyAfterFlush(conn: MeshConnection, channel: RTCDataChannel): void {
  if (channel.readyState === 'closed') return conn.destroy();
  const timer = setTimeout(() => conn.destroy(), 1000);
  channel.addEventListener('close', () => {
    clearTimeout(timer);
    conn.destroy();
  });
}
