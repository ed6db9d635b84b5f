export * from './delegation.ts';
export * from './phrase.ts';
export * from './revocation.ts';
export * from './rootId.ts';
export * from './verdict.ts';
export * from './siwe.ts';
