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
