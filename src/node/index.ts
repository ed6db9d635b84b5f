export * from './contexts/contextService.ts';
export * from './contexts/meshPort.ts';
export * from './contexts/view.ts';
export * from './createNode.ts';
export * from './identityService.ts';
export * from './settings.ts';
export * from './devices.ts';
export * from './keyRotation.ts';
