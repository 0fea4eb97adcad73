export * from './access.ts';
export * from './connection.ts';
export * from './errors.ts';
export * from './model-pin.ts';
export * from './scalars.ts';
export * from './server.ts';
export * from './text.ts';
