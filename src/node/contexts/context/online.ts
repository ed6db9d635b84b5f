import { rendezvous } from '../../../core/context/rendezvous.ts';
import type { ContextRecord } from '../../../core/store/index.ts';
import type { ContextSync } from '../../../core/sync/contextSync.ts';
import type { NodeSettings } from '../../settings.ts';
import type { MeshPort } from '../meshPort.ts';

/** The context's place in the mesh: its rendezvous room, joined now and on return from offline work. */
export function createOnline(p: { contextId: Uint8Array; record: ContextRecord; settings: NodeSettings; mesh: MeshPort; sync: ContextSync; onChange(): void }) {
  const { record, settings } = p;
  const room = rendezvous(p.contextId, record.secret);
  const joinMesh = () =>
    p.mesh.join({
      room: room.room,
      password: room.password,
      signalingUrls: record.signaling.length ? [...new Set([...record.signaling, ...settings.signalingUrls])] : settings.signalingUrls,
      iceServers: settings.iceServers,
      maxConns: settings.maxConns,
      iceTransportPolicy: settings.iceTransportPolicy,
      onLink: (link) => p.sync.addLink(link),
    });
  let meshHandle: { leave(): void } | undefined = joinMesh();
  return {
    /** Work offline (leave the mesh; ops made meanwhile sync on return) or go back online. */
    setOnline(online: boolean): void {
      if (online && !meshHandle) meshHandle = joinMesh();
      if (!online && meshHandle) {
        meshHandle.leave();
        meshHandle = undefined;
      }
      p.onChange();
    },
    isOnline: () => meshHandle !== undefined,
    leave(): void {
      meshHandle?.leave();
    },
  };
}
