import { parentKeys } from '../governance/checkedOp.ts';
import type { Dag } from '../dag/dag.ts';

/**
 * The history honest writers build on: every valid op, and every op some valid op descends
 * from (an op that was valid when it was built on and lost its validity later stays part
 * of the past). Heads are the valid ops no valid op descends from. Ops outside the history
 * are *refused*: kept for display, never relayed, never named as parents
 * (docs/governance.md, "What the history is").
 */
export function createHistory(dag: Dag, isValid: (key: string) => boolean) {
  const accepted = new Set<string>();
  const heads = new Set<string>();

  /** An op became valid: it and its whole past are history; its parents are no heads. */
  function take(key: string): string[] {
    const added: string[] = [];
    if (accepted.has(key)) return added;
    accepted.add(key);
    added.push(key);
    // Nothing accepted names it yet (else it would already be accepted): it is a head.
    heads.add(key);
    const stack = [key];
    while (stack.length) {
      const c = dag.get(stack.pop()!);
      if (!c) continue;
      for (const k of parentKeys(c)) {
        heads.delete(k);
        if (accepted.has(k)) continue;
        accepted.add(k);
        added.push(k);
        stack.push(k);
      }
    }
    return added;
  }

  return {
    /**
     * Follow new and flipped verdicts. Returns the keys that joined the history, parents
     * first. A lost validity is rare (a late removal or revocation): the history is then
     * recomputed from the DAG.
     */
    update(changed: Iterable<string>): string[] {
      const joined: string[] = [];
      let lost = false;
      for (const key of changed) {
        if (isValid(key)) joined.push(...take(key));
        else if (heads.has(key)) lost = true;
      }
      if (!lost) return dag.parentsFirst(joined);
      // What joined above and is still history, and what the recomputation adds.
      const rebuilt = rebuild();
      return dag.parentsFirst([...new Set([...joined.filter((k) => accepted.has(k)), ...rebuilt])]);
    },

    has: (key: string) => accepted.has(key),
    heads: (): string[] => [...heads].sort(),
    /**
     * Heads in the order they became heads, the longest-standing first: what a new op names
     * when there are more than it may. By key order instead, a writer grinding low op ids
     * could keep others' heads (a removal, say) out of every honest op's parents for good.
     */
    headsOldestFirst: (): string[] => [...heads],
    size: () => accepted.size,
  };

  function rebuild(): string[] {
    const before = new Set(accepted);
    accepted.clear();
    heads.clear();
    // Children before parents: an op is history if it is valid or a child of it is.
    const all = [...dag.all()];
    const needed = new Set<string>();
    const found: string[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const c = all[i]!;
      if (!isValid(c.key) && !needed.has(c.key)) continue;
      accepted.add(c.key);
      if (!needed.has(c.key)) found.push(c.key);
      for (const p of parentKeys(c)) needed.add(p);
    }
    // Oldest first, as they became heads (headsOldestFirst).
    for (let i = found.length - 1; i >= 0; i--) heads.add(found[i]!);
    return all.filter((c) => accepted.has(c.key) && !before.has(c.key)).map((c) => c.key);
  }
}

export type History = ReturnType<typeof createHistory>;
