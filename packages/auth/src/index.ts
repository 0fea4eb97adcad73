export * from './access.ts';
export * from './api-key.ts';
export * from './expiring-cache.ts';
export * from './identity.ts';
export * from './internal-token.ts';
