export * from './aggregator.ts';
export * from './decimal-sum.ts';
export * from './feeds/coinbase.ts';
export * from './fixtures.ts';
export * from './replay.ts';
export * from './store.ts';
export * from './trade.ts';
