import { createContext, useContext } from 'react';
import type { TabnodeNode } from '../../node/index.ts';

export const NodeContext = createContext<TabnodeNode | null>(null);

export function useNode(): TabnodeNode {
  const node = useContext(NodeContext);
  if (!node) throw new Error('useNode must be used inside <NodeContext.Provider>');
  return node;
}
