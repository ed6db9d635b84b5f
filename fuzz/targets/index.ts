import type { FuzzTarget } from '../target.ts';
import { appManifestTarget } from './appManifest.ts';
import { callInputTarget } from './callInput.ts';
import { checkpointTarget } from './checkpoint.ts';
import {
  delegationTarget,
  directoryEntriesTarget,
  directoryTarget,
  inviteTarget,
  revocationTarget,
  snapshotTarget,
  syncTarget,
} from './envelopes.ts';
import { framesTarget } from './frames.ts';
import { inviteLinkTarget } from './inviteLink.ts';
import { opTarget } from './op.ts';
import { roomMessageTarget } from './roomMessage.ts';
import { stateUpdateTarget } from './stateUpdate.ts';
import { stateValueTarget } from './stateValue.ts';
import { wasmModuleTarget } from './wasmModule.ts';

/** Every decoder of bytes or text that another party controls. */
export const TARGETS: readonly FuzzTarget<any>[] = [
  opTarget,
  syncTarget,
  framesTarget,
  inviteTarget,
  inviteLinkTarget,
  delegationTarget,
  revocationTarget,
  checkpointTarget,
  directoryTarget,
  directoryEntriesTarget,
  snapshotTarget,
  stateValueTarget,
  stateUpdateTarget,
  wasmModuleTarget,
  appManifestTarget,
  callInputTarget,
  roomMessageTarget,
];

export function targetNamed(name: string): FuzzTarget<any> {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}"; there are: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
