import { openBroadcastMesh } from '../adapters/broadcast/broadcastMesh.ts';
import { openProviderMesh } from '../adapters/webrtc/providerMesh.ts';
import type { MeshPort } from './contexts/meshPort.ts';

/** Peers in other browsers over WebRTC (y-webrtc rendezvous), tabs of this profile over BroadcastChannel. */
export const browserMesh: MeshPort = {
  join({ room, password, signalingUrls, iceServers, onLink }) {
    const webrtc = openProviderMesh({ roomName: room, password, signalingUrls, iceServers, onLink });
    // Not the room name itself: y-webrtc's own BroadcastChannel uses that one.
    const tabs = openBroadcastMesh({ channelName: `${room}/links`, selfId: crypto.randomUUID(), onLink });
    return {
      leave() {
        webrtc.close();
        tabs.close();
      },
    };
  },
};
