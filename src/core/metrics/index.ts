export * from './point.ts';
export * from './series.ts';
export * from './rates.ts';
export * from './agreement.ts';
export * from './align.ts';
export * from './journal.ts';
