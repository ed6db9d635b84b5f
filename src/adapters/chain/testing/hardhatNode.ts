// Moved to ../hardhatNode.ts: `npm start` runs the same node as its embedded chain. This
// re-export keeps imports of the old test-only path working.
export * from '../hardhatNode.ts';
