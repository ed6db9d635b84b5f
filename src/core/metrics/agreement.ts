/** What one peer's latest checkpoint says against this node's view of one context. */
export type AgreementCell =
  /** Same heads and same roots. */
  | 'agree'
  /** Different heads: one of us is still syncing, nothing to compare yet. */
  | 'syncing'
  /** Same heads, different state or governance root. */
  | 'diverged'
  /** Linked in this context, no checkpoint from it yet. */
  | 'unknown'
  /** Not seen in this context (neither linked nor checkpointing). */
  | 'absent';

export interface AgreementInput {
  id: string;
  name: string;
  /** Open links' peers (client keys in hex). */
  peers: { key?: string; label?: string }[];
  checkpoints: { peer: string; label: string; comparison: 'agree' | 'different-heads' | 'diverged'; at: number }[];
}

export interface AgreementMatrix {
  contexts: { id: string; name: string }[];
  /** One row per peer device, by label; `cells[i]` is for `contexts[i]`, `at[i]` when its checkpoint came. */
  rows: { key: string; label: string; cells: AgreementCell[]; at: (number | null)[] }[];
  /** Peers left out past MAX_MATRIX_PEERS. */
  omitted: number;
}

/** The most peer rows the matrix shows. */
export const MAX_MATRIX_PEERS = 64;

const FROM_COMPARISON = { agree: 'agree', 'different-heads': 'syncing', diverged: 'diverged' } as const;

/** Peers × contexts: what each peer's latest checkpoint says in each context this node holds. */
export function agreementMatrix(contexts: readonly AgreementInput[], maxPeers = MAX_MATRIX_PEERS): AgreementMatrix {
  const labels = new Map<string, string>();
  for (const c of contexts) {
    for (const p of c.peers) if (p.key && !labels.has(p.key)) labels.set(p.key, p.label ?? p.key.slice(0, 8));
    for (const cp of c.checkpoints) labels.set(cp.peer, cp.label);
  }
  const keys = [...labels.keys()].sort((a, b) => labels.get(a)!.localeCompare(labels.get(b)!) || a.localeCompare(b));
  const rows = keys.slice(0, maxPeers).map((key) => {
    const cells: AgreementCell[] = [];
    const at: (number | null)[] = [];
    for (const c of contexts) {
      const cp = c.checkpoints.find((x) => x.peer === key);
      cells.push(cp ? FROM_COMPARISON[cp.comparison] : c.peers.some((p) => p.key === key) ? 'unknown' : 'absent');
      at.push(cp?.at ?? null);
    }
    return { key, label: labels.get(key)!, cells, at };
  });
  return { contexts: contexts.map(({ id, name }) => ({ id, name })), rows, omitted: Math.max(0, keys.length - maxPeers) };
}
