export * from './decimal.ts';
export * from './market.ts';
export * from './signal.ts';
export * from './strategy.ts';
