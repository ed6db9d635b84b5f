// A root with two devices for key-hygiene tests: a laptop, and a phone that added its key
// to the laptop's context once and has been away since. Both run on one settable clock.
import { phraseFromEntropy } from '../core/identity/index.ts';
import { memoryStore } from '../core/store/index.ts';
import { memoryMeshHub } from './contexts/memoryMesh.ts';
import type { TabnodeNode } from './createNode.ts';
import { realTimeScheduler } from './scheduler.ts';
import { bareTestNode, until } from './testing.ts';

export interface AbsentPhone {
  laptop: TabnodeNode;
  /** Move it to move both devices' time. */
  clock: { now: number };
  context: string;
  phoneKey: string;
}

export async function laptopWithAbsentPhone(start = Date.UTC(2026, 11, 1)): Promise<AbsentPhone> {
  const clock = { now: start };
  const hub = memoryMeshHub(realTimeScheduler);
  const phrase = phraseFromEntropy(crypto.getRandomValues(new Uint8Array(16)));
  const device = async (label: string) => {
    const node = await bareTestNode(hub, label, { store: memoryStore(), now: () => clock.now });
    await node.identity.useLocalRoot(phrase, label);
    return node;
  };
  const laptop = await device('Laptop');
  const context = await laptop.contexts.create('Team');
  const phone = await device('Phone');
  const phoneKey = (await phone.identity.status()).device.publicKey;
  await until('the laptop knows the phone’s key', async () => (await laptop.devices.list()).some((d) => d.key === phoneKey), 20_000);
  await phone.close();
  return { laptop, clock, context, phoneKey };
}
