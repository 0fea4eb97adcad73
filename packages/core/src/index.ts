export * from './candle-store.ts';
export * from './decimal.ts';
export * from './document.ts';
export * from './market.ts';
export * from './names.ts';
export * from './outcome.ts';
export * from './signal.ts';
export * from './strategy.ts';
