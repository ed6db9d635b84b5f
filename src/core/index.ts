export * from './codec/index.ts';
export * from './crypto/index.ts';
export * from './identity/index.ts';
export * from './invitation/index.ts';
export * from './mesh/index.ts';
export * from './store/index.ts';
export * from './ops/op.ts';
export * from './ops/roles.ts';
