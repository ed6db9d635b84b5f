import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { IdentityStatus, TabnodeNode } from '../../node/index.ts';

export const NodeContext = createContext<TabnodeNode | null>(null);

export function useNode(): TabnodeNode {
  const node = useContext(NodeContext);
  if (!node) throw new Error('useNode must be used inside <NodeContext.Provider>');
  return node;
}

/** The identity status, refreshed whenever the store changes (in this tab or another). */
export function useIdentity(): { status: IdentityStatus | undefined; refresh: () => void } {
  const node = useNode();
  const [status, setStatus] = useState<IdentityStatus>();
  const refresh = useCallback(() => {
    void node.identity.status().then(setStatus);
  }, [node]);
  useEffect(() => {
    refresh();
    return node.onChange(refresh);
  }, [node, refresh]);
  return { status, refresh };
}
