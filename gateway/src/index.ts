export * from './compose.ts';
export * from './server.ts';
export * from './urls.ts';
