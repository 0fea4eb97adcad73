export * from './fake-binance.ts';
export * from './fake-coinbase.ts';
export * from './services.ts';
export * from './signals.ts';
export * from './webhook-receiver.ts';
