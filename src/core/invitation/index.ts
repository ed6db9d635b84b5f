export * from './invite.ts';
export * from './link.ts';
