export * from './certificates.ts';
export * from './fake-binance.ts';
export * from './fake-coinbase.ts';
export * from './kafka-broker.ts';
export * from './services.ts';
export * from './signals.ts';
export * from './tls-redis.ts';
export * from './webhook-receiver.ts';
