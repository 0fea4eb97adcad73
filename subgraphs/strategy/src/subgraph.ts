import { readFileSync } from 'node:fs';
import {
  DateTimeScalar,
  JSONScalar,
  type RunningSubgraph,
  type SubgraphStartOptions,
  startSubgraph,
} from '@alphintra/subgraph-kit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Resolvers } from './__generated__/resolvers.ts';
import { createContext, type StrategyContext, type StrategyServiceDeps } from './context.ts';
import { AccessMutation } from './resolvers/AccessMutation.ts';
import { AccessQuery } from './resolvers/AccessQuery.ts';
import { ApiKey } from './resolvers/ApiKey.ts';
import { AuditRecord } from './resolvers/AuditRecord.ts';
import { Model, ModelVersion } from './resolvers/Model.ts';
import { ModelMutation } from './resolvers/ModelMutation.ts';
import { ModelQuery } from './resolvers/ModelQuery.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { Strategy } from './resolvers/Strategy.ts';
import { StrategyVersion } from './resolvers/StrategyVersion.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/strategy.graphql', import.meta.url), 'utf8'));

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { ...Query, ...AccessQuery, ...ModelQuery },
  Mutation: { ...Mutation, ...AccessMutation, ...ModelMutation },
  Strategy,
  StrategyVersion,
  ApiKey,
  AuditRecord,
  Model,
  ModelVersion,
};

/** Starts the strategy subgraph: strategy CRUD and lifecycle, owner of the `Strategy` entity. */
export function startStrategySubgraph(
  deps: StrategyServiceDeps,
  options: SubgraphStartOptions = {},
): Promise<RunningSubgraph> {
  return startSubgraph<StrategyContext>({
    name: 'strategy',
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
    context: (identity) => createContext(deps, identity),
    auditDb: deps.db,
    ...options,
  });
}
