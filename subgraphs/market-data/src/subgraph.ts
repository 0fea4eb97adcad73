import { readFileSync } from 'node:fs';
import { DateTimeScalar, DecimalScalar, type RunningSubgraph, startSubgraph } from '@alphintra/subgraph-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { MarketDataContext, MarketDataServiceDeps } from './context.ts';
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
};

/** Starts the market-data subgraph: instruments, candle history and live candles. */
export function startMarketDataSubgraph(
  deps: MarketDataServiceDeps,
  options: { port?: number; host?: string } = {},
): Promise<RunningSubgraph> {
  return startSubgraph<MarketDataContext>({
    name: 'market-data',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
    context: () => ({ deps }),
    ...options,
  });
}
