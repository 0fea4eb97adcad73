import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { StrategyRecord as StrategyModel } from '@alphintra/db';
import type { StrategyContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in UTC, as an ISO 8601 string with milliseconds. */
  DateTime: { input: Date | string | number; output: Date | string | number; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type ActivateStrategyInput = {
  id: Scalars['ID']['input'];
};

export type ActivateStrategyPayload = {
  __typename?: 'ActivateStrategyPayload';
  strategy: Strategy;
};

export type CreateStrategyInput = {
  /** Start running it at once. */
  activate?: InputMaybe<Scalars['Boolean']['input']>;
  interval?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** Overrides of the type's defaults; unknown names are rejected. */
  parameters?: InputMaybe<Array<StrategyParameterInput>>;
  source?: InputMaybe<StrategySource>;
  /** Symbols of known instruments (see Query.instruments). */
  symbols: Array<Scalars['String']['input']>;
  type: StrategyType;
};

export type CreateStrategyPayload = {
  __typename?: 'CreateStrategyPayload';
  strategy: Strategy;
};

export type DeactivateStrategyInput = {
  id: Scalars['ID']['input'];
};

export type DeactivateStrategyPayload = {
  __typename?: 'DeactivateStrategyPayload';
  strategy: Strategy;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Starts running the strategy; the engine picks it up at the next candle. */
  activateStrategy: ActivateStrategyPayload;
  createStrategy: CreateStrategyPayload;
  /** Stops running the strategy from the next candle on. */
  deactivateStrategy: DeactivateStrategyPayload;
};


export type MutationActivateStrategyArgs = {
  input: ActivateStrategyInput;
};


export type MutationCreateStrategyArgs = {
  input: CreateStrategyInput;
};


export type MutationDeactivateStrategyArgs = {
  input: DeactivateStrategyInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Strategies, oldest first. `first` is 1 to 100. */
  strategies: StrategyConnection;
  strategy?: Maybe<Strategy>;
};


export type QueryStrategiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<StrategyFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryStrategyArgs = {
  id: Scalars['ID']['input'];
};

/**
 * A trading strategy at its current version. Each change makes a new immutable version; signals name the
 * version that produced them.
 */
export type Strategy = {
  __typename?: 'Strategy';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Candle interval the strategy runs on, e.g. 1m. */
  interval: Scalars['String']['output'];
  /** Unique name. */
  name: Scalars['String']['output'];
  /** Parameters of the current version, defaults filled in. */
  parameters: Array<StrategyParameter>;
  source: StrategySource;
  status: StrategyStatus;
  /** The instruments the strategy trades, e.g. XRPETH. */
  symbols: Array<Scalars['String']['output']>;
  type: StrategyType;
  updatedAt: Scalars['DateTime']['output'];
  /** Current version, from 1. */
  version: Scalars['Int']['output'];
};

export type StrategyConnection = {
  __typename?: 'StrategyConnection';
  edges: Array<StrategyEdge>;
  pageInfo: PageInfo;
};

export type StrategyEdge = {
  __typename?: 'StrategyEdge';
  cursor: Scalars['String']['output'];
  node: Strategy;
};

export type StrategyFilter = {
  status?: InputMaybe<StrategyStatus>;
  symbol?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<StrategyType>;
};

/** One named numeric parameter, e.g. fastPeriod = 9. */
export type StrategyParameter = {
  __typename?: 'StrategyParameter';
  name: Scalars['String']['output'];
  value: Scalars['Float']['output'];
};

export type StrategyParameterInput = {
  name: Scalars['String']['input'];
  value: Scalars['Float']['input'];
};

export type StrategySource =
  | 'AI_ML'
  | 'NO_CODE';

export type StrategyStatus =
  /** The engine runs it on every closed candle. */
  | 'ACTIVE'
  | 'INACTIVE';

/** A built-in strategy kind. */
export type StrategyType =
  /** BUY when a fast EMA crosses above a slow one, SELL when it crosses below. */
  | 'EMA_CROSSOVER'
  /** BUY when RSI climbs back out of oversold, SELL when it falls back from overbought. */
  | 'RSI_REVERSION';

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Strategy: Strategy;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Strategy:
    ( { __typename: 'Strategy' }
    & GraphQLRecursivePick<FederationTypes['Strategy'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  ActivateStrategyInput: ActivateStrategyInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ActivateStrategyPayload: ResolverTypeWrapper<Omit<ActivateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  CreateStrategyInput: CreateStrategyInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CreateStrategyPayload: ResolverTypeWrapper<Omit<CreateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeactivateStrategyInput: DeactivateStrategyInput;
  DeactivateStrategyPayload: ResolverTypeWrapper<Omit<DeactivateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Strategy: ResolverTypeWrapper<StrategyModel>;
  StrategyConnection: ResolverTypeWrapper<Omit<StrategyConnection, 'edges'> & { edges: Array<ResolversTypes['StrategyEdge']> }>;
  StrategyEdge: ResolverTypeWrapper<Omit<StrategyEdge, 'node'> & { node: ResolversTypes['Strategy'] }>;
  StrategyFilter: StrategyFilter;
  StrategyParameter: ResolverTypeWrapper<StrategyParameter>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  StrategyParameterInput: StrategyParameterInput;
  StrategySource: StrategySource;
  StrategyStatus: StrategyStatus;
  StrategyType: StrategyType;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  ActivateStrategyInput: ActivateStrategyInput;
  ID: Scalars['ID']['output'];
  ActivateStrategyPayload: Omit<ActivateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  CreateStrategyInput: CreateStrategyInput;
  Boolean: Scalars['Boolean']['output'];
  String: Scalars['String']['output'];
  CreateStrategyPayload: Omit<CreateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  DateTime: Scalars['DateTime']['output'];
  DeactivateStrategyInput: DeactivateStrategyInput;
  DeactivateStrategyPayload: Omit<DeactivateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  Strategy: StrategyModel;
  StrategyConnection: Omit<StrategyConnection, 'edges'> & { edges: Array<ResolversParentTypes['StrategyEdge']> };
  StrategyEdge: Omit<StrategyEdge, 'node'> & { node: ResolversParentTypes['Strategy'] };
  StrategyFilter: StrategyFilter;
  StrategyParameter: StrategyParameter;
  Float: Scalars['Float']['output'];
  StrategyParameterInput: StrategyParameterInput;
}>;

export type ActivateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ActivateStrategyPayload'] = ResolversParentTypes['ActivateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type CreateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['CreateStrategyPayload'] = ResolversParentTypes['CreateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeactivateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['DeactivateStrategyPayload'] = ResolversParentTypes['DeactivateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  activateStrategy?: Resolver<ResolversTypes['ActivateStrategyPayload'], ParentType, ContextType, RequireFields<MutationActivateStrategyArgs, 'input'>>;
  createStrategy?: Resolver<ResolversTypes['CreateStrategyPayload'], ParentType, ContextType, RequireFields<MutationCreateStrategyArgs, 'input'>>;
  deactivateStrategy?: Resolver<ResolversTypes['DeactivateStrategyPayload'], ParentType, ContextType, RequireFields<MutationDeactivateStrategyArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  strategies?: Resolver<ResolversTypes['StrategyConnection'], ParentType, ContextType, RequireFields<QueryStrategiesArgs, 'first'>>;
  strategy?: Resolver<Maybe<ResolversTypes['Strategy']>, ParentType, ContextType, RequireFields<QueryStrategyArgs, 'id'>>;
}>;

export type StrategyResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Strategy'] = ResolversParentTypes['Strategy'], FederationReferenceType extends FederationReferenceTypes['Strategy'] = FederationReferenceTypes['Strategy']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Strategy']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parameters?: Resolver<Array<ResolversTypes['StrategyParameter']>, ParentType, ContextType>;
  source?: Resolver<ResolversTypes['StrategySource'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['StrategyStatus'], ParentType, ContextType>;
  symbols?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['StrategyType'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type StrategyConnectionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyConnection'] = ResolversParentTypes['StrategyConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['StrategyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type StrategyEdgeResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyEdge'] = ResolversParentTypes['StrategyEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type StrategyParameterResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyParameter'] = ResolversParentTypes['StrategyParameter']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = StrategyContext> = ResolversObject<{
  ActivateStrategyPayload?: ActivateStrategyPayloadResolvers<ContextType>;
  CreateStrategyPayload?: CreateStrategyPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeactivateStrategyPayload?: DeactivateStrategyPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Strategy?: StrategyResolvers<ContextType>;
  StrategyConnection?: StrategyConnectionResolvers<ContextType>;
  StrategyEdge?: StrategyEdgeResolvers<ContextType>;
  StrategyParameter?: StrategyParameterResolvers<ContextType>;
}>;

