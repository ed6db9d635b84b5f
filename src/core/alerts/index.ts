export * from './alert.ts';
export * from './alertBook.ts';
