export * from './compose.ts';
export * from './cost.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './server.ts';
export * from './throttle.ts';
export * from './urls.ts';
