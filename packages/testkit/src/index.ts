export * from './services.ts';
export * from './signals.ts';
