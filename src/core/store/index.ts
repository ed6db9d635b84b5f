export * from './Store.ts';
export * from './memoryStore.ts';
