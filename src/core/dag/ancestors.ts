/** An op's parent keys, or undefined for an op not held here (its past is not walked). */
export type ParentsOf = (key: string) => Iterable<string> | undefined;

/**
 * The one causal-past walk: visit `from` and every op reachable from them through parents,
 * each once (depth first). `visit` returning false stops the walk early. Returns every key
 * visited (on a stop, the ones visited so far).
 */
export function walkAncestry(from: Iterable<string>, parentsOf: ParentsOf, visit?: (key: string, visited: number) => boolean | void): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    if (visit?.(key, seen.size) === false) break;
    for (const p of parentsOf(key) ?? []) stack.push(p);
  }
  return seen;
}

/**
 * The causal past of an op with these parents (its strict ancestors): the parents, and
 * every op reachable from them. A parent not held here is in the past, with none of its own.
 */
export function ancestors(parents: Iterable<string>, parentsOf: ParentsOf): Set<string> {
  return walkAncestry(parents, parentsOf);
}
