export * from './bytes.ts';
export * from './ed25519.ts';
export * from './sha256.ts';
export * from './hpke.ts';
export * from './boxKeyCheck.ts';
export * from './batchVerifier.ts';
export * from './aead.ts';
