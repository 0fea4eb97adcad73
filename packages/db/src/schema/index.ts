export * from './signals.ts';
export * from './strategies.ts';
