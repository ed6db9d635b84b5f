import { openBroadcastMesh } from '../adapters/broadcast/broadcastMesh.ts';
import { openRtcMesh } from '../adapters/webrtc/rtcMesh.ts';
import type { MeshPort } from './contexts/meshPort.ts';

/** Tabs of this profile remembered per room; ids are random per mesh, so a handful suffice. */
const MAX_KNOWN_TABS = 256;

/**
 * Peers in other browsers over WebRTC, tabs of this profile over BroadcastChannel.
 *
 * Same-profile tabs share the device key and IndexedDB, and need no WebRTC connection:
 * both meshes of a room use one id, so a tab that says hello on the BroadcastChannel is
 * known by the id it announces in the WebRTC room, and gets no WebRTC connection (one
 * already made before the hello arrived is closed). BroadcastChannel reaches exactly the
 * tabs of this profile and origin, which is the filter we want.
 */
export const browserMesh: MeshPort = {
  join({ room, password, signalingUrls, iceServers, maxConns, iceTransportPolicy, onLink }) {
    const peerId = crypto.randomUUID();
    const tabs = new Set<string>();
    const rtc = openRtcMesh({
      roomName: room,
      password,
      signalingUrls,
      iceServers,
      ...(maxConns === undefined ? {} : { maxConns }),
      ...(iceTransportPolicy === undefined ? {} : { iceTransportPolicy }),
      peerId,
      isSameProfile: (id) => tabs.has(id),
      onLink,
    });
    const broadcast = openBroadcastMesh({
      channelName: `${room}/links`,
      selfId: peerId,
      onLink(link, remoteId) {
        if (tabs.size >= MAX_KNOWN_TABS) tabs.delete(tabs.values().next().value!);
        tabs.add(remoteId);
        rtc.refresh();
        onLink(link);
      },
    });
    return {
      leave() {
        rtc.close();
        broadcast.close();
      },
    };
  },
};
