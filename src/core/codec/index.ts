export * from './errors.ts';
export * from './schema.ts';
export { createReader, expectEnd, type Reader } from './reader.ts';
export { createWriter, finish, type Writer } from './writer.ts';
export * from './text.ts';
export * from './clampUtf8.ts';
