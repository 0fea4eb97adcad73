export * from './config.ts';
export * from './defaults.ts';
export * from './distributor.ts';
export * from './engine-service.ts';
export * from './log.ts';
export * from './market-data-service.ts';
export * from './platform.ts';
