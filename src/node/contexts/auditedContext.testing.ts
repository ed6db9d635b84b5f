// A context with something to audit, for the export tests: an owner's and a writer's
// writes (re-run and confirmed), and a reader's write the rules refuse.
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

export async function auditedContext(nodes: TabnodeNode[]): Promise<{ admin: TabnodeNode; id: string; refusedKey: string }> {
  const hub = memoryMeshHub(realTimeScheduler);
  const [admin, writer, reader] = await Promise.all(['A', 'B', 'C'].map((name) => testNode(hub, name)));
  nodes.push(admin!, writer!, reader!);
  const id = await admin!.contexts.create('Audit "Q4", =cmd', { verifiable: true });
  await writer!.contexts.join(await admin!.contexts.open(id).invite({ role: 'writer' }));
  await reader!.contexts.join(await admin!.contexts.open(id).invite({ role: 'reader' }));
  for (const n of [writer!, reader!]) await until('joined', async () => !(await n.contexts.open(id).view()).joining);
  await admin!.contexts.open(id).write({ method: 'set', args: { key: '=1+1', value: 'from A' } });
  const written = await writer!.contexts.open(id).write({ method: 'set', args: { key: 'b', value: 'from B, "quoted"' } });
  const refused = await reader!.contexts.open(id).write({ method: 'set', args: { key: 'c', value: 1 } });
  await until('the admin re-ran B’s call and holds C’s refused write', async () => {
    const audit = await admin!.contexts.open(id).audit();
    return audit.some((e) => e.key === written.key && e.verification === 'confirmed') && audit.some((e) => e.key === refused.key);
  });
  return { admin: admin!, id, refusedKey: refused.key };
}
