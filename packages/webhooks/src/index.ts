export * from './address.ts';
export * from './channel.ts';
export * from './dispatcher.ts';
export * from './filter.ts';
export * from './send.ts';
export * from './settings.ts';
export * from './signing.ts';
export * from './test-event.ts';
