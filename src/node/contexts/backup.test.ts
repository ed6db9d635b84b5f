import { afterEach, describe, expect, test } from 'vitest';
import { ContextBackupError } from '../../core/backup/contextBackup.ts';
import { memoryStore } from '../../core/store/index.ts';
import type { TabnodeNode } from '../createNode.ts';
import { realTimeScheduler } from '../scheduler.ts';
import { testNode, twoMemberContext, until } from '../testing.ts';
import { memoryMeshHub } from './memoryMesh.ts';

const nodes: TabnodeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

describe('context backup and restore', () => {
  test('a member who deleted a context from this device takes it back from a backup, every op checked again', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const storeB = memoryStore();
    const { a, b, id } = await twoMemberContext(hub, storeB);
    nodes.push(a, b);
    await b.contexts.open(id).write({ method: 'set', args: { key: 'greeting', value: 'hello' } });
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);

    const file = await b.contexts.open(id).backup();
    expect(file.filename).toMatch(/^tabnode-backup-.*\.json$/);
    const history = (await storeB.ops(id)).length;
    await b.contexts.forget(id);
    expect(await b.contexts.list()).toEqual([]);

    // Nobody else is online: the state comes back from the file alone.
    const outcome = await b.contexts.restore(file.text);
    expect(outcome).toMatchObject({ id, added: history, refused: 0 });
    const view = await until('the restored context shows its data', async () => {
      const v = await b.contexts.open(id).view();
      return v.kv.length > 0 && v;
    });
    expect(view.kv).toEqual([['greeting', 'hello']]);
    expect((await storeB.ops(id)).length).toBe(history);
    // Restoring again adds nothing.
    expect(await b.contexts.restore(file.text)).toMatchObject({ added: 0 });
  }, 30_000);

  test('a tampered op is refused and the rest restored; a file without the genesis makes no context', async () => {
    const hub = memoryMeshHub(realTimeScheduler);
    const { a, b, id } = await twoMemberContext(hub, memoryStore());
    nodes.push(a, b);
    await a.contexts.open(id).write({ method: 'set', args: { key: 'k', value: 1 } });
    const file = JSON.parse((await a.contexts.open(id).backup()).text) as { ops: string[] };
    const last = file.ops.at(-1)!;
    // Flip a character inside the last op (its signature no longer matches).
    file.ops[file.ops.length - 1] = last.slice(0, 40) + (last[40] === 'A' ? 'B' : 'A') + last.slice(41);
    const stranger = await testNode(hub, 'Carol laptop');
    nodes.push(stranger);
    const outcome = await stranger.contexts.restore(JSON.stringify(file));
    expect(outcome.refused).toBe(1);
    expect(outcome.added).toBe(file.ops.length - 1);
    // Carol's root is not a member: she is told so, as on any login.
    const v = await until('Carol is told she is not a member', async () => {
      const view = await stranger.contexts.open(id).view();
      return view.joinProblem ? view : undefined;
    });
    expect(v.joinProblem).toMatch(/not a member/);

    const noGenesis = { ...file, ops: file.ops.slice(1) };
    const other = await testNode(hub, 'Dan laptop');
    nodes.push(other);
    await expect(other.contexts.restore(JSON.stringify(noGenesis))).rejects.toThrow(ContextBackupError);
    expect(await other.contexts.list()).toEqual([]);
  }, 30_000);
});
