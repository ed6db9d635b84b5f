import type { Link } from '../../core/mesh/Link.ts';
import type { IceServer } from '../settings.ts';

/** How a context finds its peers: join a rendezvous room, get a Link per peer. */
export interface MeshPort {
  join(options: {
    room: string;
    password: string;
    signalingUrls: string[];
    iceServers: IceServer[];
    onLink(link: Link): void;
  }): { leave(): void };
}
