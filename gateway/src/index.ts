export * from './auth.ts';
export * from './compose.ts';
export * from './errors.ts';
export * from './server.ts';
export * from './urls.ts';
