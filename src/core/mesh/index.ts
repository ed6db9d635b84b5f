export * from './Link.ts';
export * from './linkEnd.ts';
export * from './memoryLink.ts';
export * from './Scheduler.ts';
export * from './seededRandom.ts';
export * from './simScheduler.ts';
export * from './ringPolicy.ts';
export * from './tokenBucket.ts';
