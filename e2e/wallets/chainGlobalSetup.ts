/*
 * Vitest global set-up for browser-mode wallet tests: one Hardhat node (a real local EVM,
 * chain 31337) for the run; tests in the page get its URL with `inject('hardhatRpcUrl')`
 * and reach it directly (the node answers CORS preflights).
 */
import type { TestProject } from 'vitest/node';
import { startHardhatNode } from '../../src/adapters/chain/hardhatNode.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hardhatRpcUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = await startHardhatNode({ timeoutMs: 60_000 });
  project.provide('hardhatRpcUrl', node.url);
  return () => node.stop();
}
