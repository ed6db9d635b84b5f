import { describe, expect, test } from 'vitest';
import { memoryStore } from '../../../core/store/index.ts';
import { FORGOTTEN_KEPT, forgottenContexts } from './forgotten.ts';

describe('the forgotten list', () => {
  test('forgets at once (two tabs, or two clicks) keep every id; a remove takes one off', async () => {
    const store = memoryStore();
    const forgotten = forgottenContexts(store);
    const other = forgottenContexts(store);
    await Promise.all([forgotten.add('a'), other.add('b'), forgotten.add('c'), other.add('d')]);
    expect((await forgotten.list()).sort()).toEqual(['a', 'b', 'c', 'd']);
    await Promise.all([forgotten.remove('b'), other.add('e'), other.remove('absent')]);
    expect((await other.list()).sort()).toEqual(['a', 'c', 'd', 'e']);
  });

  test('forgetting again moves the id to the newest; the oldest go past the bound', async () => {
    const store = memoryStore();
    const forgotten = forgottenContexts(store);
    for (let i = 0; i < FORGOTTEN_KEPT + 2; i++) await forgotten.add(`c${i}`);
    await forgotten.add('c2');
    const ids = await forgotten.list();
    expect(ids).toHaveLength(FORGOTTEN_KEPT);
    expect(ids.at(-1)).toBe('c2');
    expect(ids).not.toContain('c0');
    expect(ids).not.toContain('c1');
  });
});
