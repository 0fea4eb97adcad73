export * from './candle-store.ts';
export * from './client.ts';
export * from './cursor.ts';
export * from './queries/access.ts';
export * from './queries/market.ts';
export * from './queries/signals.ts';
export * from './queries/strategies.ts';
export * from './queries/webhooks.ts';
export * as schema from './schema/index.ts';
