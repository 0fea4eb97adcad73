export * from './auth.ts';
export * from './compose.ts';
export * from './errors.ts';
export * from './graphiql.ts';
export * from './health.ts';
export * from './metrics.ts';
export * from './server.ts';
export * from './urls.ts';
