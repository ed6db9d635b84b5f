export * from './messages.ts';
export * from './room.ts';
export * from './answer.ts';
export * from './link.ts';
