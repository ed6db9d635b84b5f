import type { Link } from '../../core/mesh/Link.ts';
import type { IceServer } from '../settings.ts';

/** How a context finds its peers: join a rendezvous room, get a Link per peer. */
export interface MeshPort {
  join(options: {
    room: string;
    password: string;
    signalingUrls: string[];
    iceServers: IceServer[];
    /** Most WebRTC connections kept in this room (Settings; default 20). */
    maxConns?: number;
    /** 'relay': connect through TURN only (Settings; default 'all'). */
    iceTransportPolicy?: 'all' | 'relay';
    onLink(link: Link): void;
  }): { leave(): void };
}

/**
 * The same mesh, dialling only signaling servers `reachable` allows (the page's served
 * policy): invites and contexts may name servers this page may not connect to, and trying
 * would only be blocked by the browser. If none is left, the list stays as it was (the
 * Settings page says which servers the policy refuses).
 */
export function meshWithin(mesh: MeshPort, reachable: (url: string) => boolean): MeshPort {
  return {
    join(options) {
      const allowed = options.signalingUrls.filter(reachable);
      return mesh.join({ ...options, signalingUrls: allowed.length ? allowed : options.signalingUrls });
    },
  };
}
