export * from './__generated__/graphql.ts';
export * from './client.ts';
