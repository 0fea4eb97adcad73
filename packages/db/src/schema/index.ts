export * from './access.ts';
export * from './backtests.ts';
export * from './market.ts';
export * from './models.ts';
export * from './outcomes.ts';
export * from './signals.ts';
export * from './strategies.ts';
export * from './webhooks.ts';
