import { readFileSync } from 'node:fs';
import {
  DateTimeScalar,
  DecimalScalar,
  JSONScalar,
  type RunningSubgraph,
  type SubgraphStartOptions,
  startSubgraph,
} from '@alphintra/subgraph-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.ts';
import { createContext, type SignalContext, type SignalServiceDeps } from './context.ts';
import {
  Backtest,
  BacktestResult,
  BacktestSignal,
  PerformanceSummaryType,
  StrategyPerformance,
} from './resolvers/Backtest.ts';
import { BacktestMutation, BacktestQuery } from './resolvers/BacktestQuery.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { Signal } from './resolvers/Signal.ts';
import { SignalOutcome } from './resolvers/SignalOutcome.ts';
import { Strategy } from './resolvers/Strategy.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { Webhook } from './resolvers/Webhook.ts';
import { WebhookDelivery } from './resolvers/WebhookDelivery.ts';
import { WebhookQuery } from './resolvers/WebhookQuery.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/signal.graphql', import.meta.url), 'utf8'));

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Query: { ...Query, ...WebhookQuery, ...BacktestQuery },
  Mutation: { ...Mutation, ...BacktestMutation },
  Backtest,
  BacktestResult,
  BacktestSignal,
  PerformanceSummary: PerformanceSummaryType,
  StrategyPerformance,
  Webhook,
  WebhookDelivery,
  Subscription,
  Signal,
  SignalOutcome,
  Strategy,
};

/**
 * Starts the signal subgraph: signal history and the live `signals` subscription, owner of `Signal`; it adds
 * `signals` to the strategy subgraph's `Strategy`.
 */
export function startSignalSubgraph(
  deps: SignalServiceDeps,
  options: SubgraphStartOptions = {},
): Promise<RunningSubgraph> {
  return startSubgraph<SignalContext>({
    name: 'signal',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
    context: (identity) => createContext(deps, identity),
    auditDb: deps.db,
    ...options,
  });
}
