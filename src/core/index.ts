export * from './codec/index.ts';
export * from './crypto/index.ts';
export * from './identity/index.ts';
export * from './store/index.ts';
