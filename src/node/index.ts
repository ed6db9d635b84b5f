export * from './createNode.ts';
export * from './identityService.ts';
export * from './settings.ts';
