export * from './AnchorChain.ts';
export * from './hash32.ts';
export * from './recordHash.ts';
export * from './binding.ts';
export * from './memberSetRoot.ts';
export * from './compare.ts';
