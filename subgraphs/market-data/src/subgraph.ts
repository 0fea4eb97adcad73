import { readFileSync } from 'node:fs';
import {
  DateTimeScalar,
  DecimalScalar,
  type RunningSubgraph,
  type SubgraphStartOptions,
  startSubgraph,
} from '@alphintra/subgraph-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.ts';
import { createContext, type MarketDataContext, type MarketDataServiceDeps } from './context.ts';
import { Feed } from './resolvers/Feed.ts';
import { Instrument } from './resolvers/Instrument.ts';
import { Query } from './resolvers/Query.ts';
import { Subscription } from './resolvers/Subscription.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/market-data.graphql', import.meta.url), 'utf8'));

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  Query,
  Subscription,
  Instrument,
  Feed,
};

/** Starts the market-data subgraph: instruments, candle history, live candles and the feeds' health. */
export function startMarketDataSubgraph(
  deps: MarketDataServiceDeps,
  options: SubgraphStartOptions = {},
): Promise<RunningSubgraph> {
  return startSubgraph<MarketDataContext>({
    name: 'market-data',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
    context: (identity) => createContext(deps, identity),
    ...options,
  });
}
