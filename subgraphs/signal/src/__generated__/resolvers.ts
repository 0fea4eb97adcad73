import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Signal as SignalModel } from '@alphintra/core';
import type { StrategyRef, SignalContext } from '../context.ts';
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
  /** An exact decimal number as a string (prices and sizes can be as small as 1e-8; never rounded). */
  Decimal: { input: string; output: string; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type ExecutionParams = {
  __typename?: 'ExecutionParams';
  /** Largest acceptable slippage as a fraction of price (0.001 = 0.1 %). */
  maxSlippage: Scalars['Float']['output'];
  orderType: OrderType;
  timeInForce: TimeInForce;
};

export type MarketConditions =
  | 'RANGING'
  | 'TRENDING_DOWN'
  | 'TRENDING_UP';

export type OrderType =
  | 'LIMIT'
  | 'MARKET';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  signal?: Maybe<Signal>;
  /**
   * Signal counts and average confidence per group of `groupBy` (none: one group of all), over signals passing
   * `filter` (live ones unless `filter.shadow`) with `timestamp` from `from` (inclusive) to `to` (exclusive). Groups
   * are ordered by strategy id, symbol, then action; groups without signals are absent.
   */
  signalStats: Array<SignalStatsGroup>;
  /** Persisted signals, newest first. `first` is 1 to 100. */
  signals: SignalConnection;
};


export type QuerySignalArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySignalStatsArgs = {
  filter?: InputMaybe<SignalFilter>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  groupBy?: Array<SignalStatsDimension>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QuerySignalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SignalFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * A trading signal. Its id is deterministic (strategy, version, symbol, candle close time): a replay, a backtest
 * and a live run give the same id to the same signal.
 */
export type Signal = {
  __typename?: 'Signal';
  action: SignalAction;
  /** 0 to 1. */
  confidence: Scalars['Float']['output'];
  executionParams: ExecutionParams;
  /** When the signal stops being valid: its time plus the strategy's signal lifetime. */
  expiresAt: Scalars['DateTime']['output'];
  /** Why it fired: the strategy document's rule that matched and the indicator values it used. */
  explanation: SignalExplanation;
  id: Scalars['ID']['output'];
  /** Milliseconds from the market event's arrival to the signal's publication. */
  latencyMs?: Maybe<Scalars['Float']['output']>;
  /** Exchange time of the market event that caused the signal. */
  marketDataTimestamp: Scalars['DateTime']['output'];
  metadata: SignalMetadata;
  priceTarget: Scalars['Decimal']['output'];
  /** Order size in base units; null when the strategy does not size orders. */
  quantity?: Maybe<Scalars['Decimal']['output']>;
  /** 0 (low) to 1 (high). */
  riskScore: Scalars['Float']['output'];
  /**
   * The signal's place in delivery order (a 64-bit integer as a string): subscribers receive signals in increasing
   * sequence, and a resumed subscription carries on from the sequence of its `since` signal.
   */
  sequence: Scalars['String']['output'];
  /** A shadow version's signal: stored and queryable, never sent to subscribers, Kafka or webhooks. */
  shadow: Scalars['Boolean']['output'];
  stopLoss: Scalars['Decimal']['output'];
  /**
   * The strategy that produced it. `id`, `name` and `version` come with the signal (as of when it was produced),
   * any other field from the strategy service.
   */
  strategy: Strategy;
  strategySource: StrategySource;
  /** The strategy version that produced the signal. */
  strategyVersion: Scalars['Int']['output'];
  symbol: Scalars['String']['output'];
  takeProfit: Scalars['Decimal']['output'];
  /** Close time of the candle the signal was computed on (market time). */
  timestamp: Scalars['DateTime']['output'];
};

export type SignalAction =
  | 'BUY'
  | 'SELL';

export type SignalConnection = {
  __typename?: 'SignalConnection';
  edges: Array<SignalEdge>;
  pageInfo: PageInfo;
};

export type SignalEdge = {
  __typename?: 'SignalEdge';
  cursor: Scalars['String']['output'];
  node: Signal;
};

/** Why a signal fired. */
export type SignalExplanation = {
  __typename?: 'SignalExplanation';
  /** The indicators the rule used, with their values at the signal's candle. */
  indicators: Array<SignalIndicator>;
  /** The id of the document's rule that matched. */
  rule: Scalars['String']['output'];
};

export type SignalFilter = {
  actions?: InputMaybe<Array<SignalAction>>;
  /** 0 to 1. */
  minConfidence?: InputMaybe<Scalars['Float']['input']>;
  /** true: shadow signals only; unset or false: live signals only. */
  shadow?: InputMaybe<Scalars['Boolean']['input']>;
  strategyIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  symbols?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type SignalIndicator = {
  __typename?: 'SignalIndicator';
  name: Scalars['String']['output'];
  /** Null when the indicator was not yet warmed up. */
  value?: Maybe<Scalars['Float']['output']>;
};

export type SignalMetadata = {
  __typename?: 'SignalMetadata';
  marketConditions: MarketConditions;
  /** ATR over price: the typical one-candle move as a fraction of price. */
  volatility: Scalars['Float']['output'];
  volumeProfile: VolumeProfile;
};

/** What `signalStats` can group signals by. */
export type SignalStatsDimension =
  | 'ACTION'
  | 'STRATEGY'
  | 'SYMBOL';

/** Signals of one group: the dimensions not grouped by are null. */
export type SignalStatsGroup = {
  __typename?: 'SignalStatsGroup';
  /** The group's action (grouped by `ACTION`). */
  action?: Maybe<SignalAction>;
  /** The mean confidence of the group's signals. */
  averageConfidence: Scalars['Float']['output'];
  count: Scalars['Int']['output'];
  /** The group's strategy (grouped by `STRATEGY`). */
  strategy?: Maybe<Strategy>;
  /** The group's symbol (grouped by `SYMBOL`). */
  symbol?: Maybe<Scalars['String']['output']>;
};

export type Strategy = {
  __typename?: 'Strategy';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The strategy's signals (all versions), newest first. `first` is 1 to 100; `shadow: true` lists shadow signals. */
  signals: SignalConnection;
  version: Scalars['Int']['output'];
};


export type StrategySignalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  shadow?: InputMaybe<Scalars['Boolean']['input']>;
};

export type StrategySource =
  | 'AI_ML'
  | 'NO_CODE';

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Each new live signal matching the filter, in delivery order (shadow signals are never delivered). With `since`
   * (the id of the last signal the client saw, or an ISO 8601 time: from the first signal at or after it in delivery
   * order) the stored signals after that point come first, then live ones, with no gap and no duplicate: what a
   * client that never disconnected would have seen.
   */
  signals: Signal;
};


export type SubscriptionSignalsArgs = {
  filter?: InputMaybe<SignalFilter>;
  since?: InputMaybe<Scalars['String']['input']>;
};

export type TimeInForce =
  | 'FOK'
  | 'GTC'
  | 'IOC';

export type VolumeProfile =
  | 'HIGH'
  | 'LOW'
  | 'NORMAL';

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
  Signal: Signal;
  Strategy: Strategy;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Signal:
    ( { __typename: 'Signal' }
    & GraphQLRecursivePick<FederationTypes['Signal'], {"id":true}> );
  Strategy:
    ( { __typename: 'Strategy' }
    & GraphQLRecursivePick<FederationTypes['Strategy'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  ExecutionParams: ResolverTypeWrapper<ExecutionParams>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  MarketConditions: MarketConditions;
  OrderType: OrderType;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Signal: ResolverTypeWrapper<SignalModel>;
  SignalAction: SignalAction;
  SignalConnection: ResolverTypeWrapper<Omit<SignalConnection, 'edges'> & { edges: Array<ResolversTypes['SignalEdge']> }>;
  SignalEdge: ResolverTypeWrapper<Omit<SignalEdge, 'node'> & { node: ResolversTypes['Signal'] }>;
  SignalExplanation: ResolverTypeWrapper<SignalExplanation>;
  SignalFilter: SignalFilter;
  SignalIndicator: ResolverTypeWrapper<SignalIndicator>;
  SignalMetadata: ResolverTypeWrapper<SignalMetadata>;
  SignalStatsDimension: SignalStatsDimension;
  SignalStatsGroup: ResolverTypeWrapper<Omit<SignalStatsGroup, 'strategy'> & { strategy?: Maybe<ResolversTypes['Strategy']> }>;
  Strategy: ResolverTypeWrapper<StrategyRef>;
  StrategySource: StrategySource;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TimeInForce: TimeInForce;
  VolumeProfile: VolumeProfile;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  ExecutionParams: ExecutionParams;
  Float: Scalars['Float']['output'];
  PageInfo: PageInfo;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Signal: SignalModel;
  SignalConnection: Omit<SignalConnection, 'edges'> & { edges: Array<ResolversParentTypes['SignalEdge']> };
  SignalEdge: Omit<SignalEdge, 'node'> & { node: ResolversParentTypes['Signal'] };
  SignalExplanation: SignalExplanation;
  SignalFilter: SignalFilter;
  SignalIndicator: SignalIndicator;
  SignalMetadata: SignalMetadata;
  SignalStatsGroup: Omit<SignalStatsGroup, 'strategy'> & { strategy?: Maybe<ResolversParentTypes['Strategy']> };
  Strategy: StrategyRef;
  Subscription: Record<PropertyKey, never>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type ExecutionParamsResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['ExecutionParams'] = ResolversParentTypes['ExecutionParams']> = ResolversObject<{
  maxSlippage?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  orderType?: Resolver<ResolversTypes['OrderType'], ParentType, ContextType>;
  timeInForce?: Resolver<ResolversTypes['TimeInForce'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  signal?: Resolver<Maybe<ResolversTypes['Signal']>, ParentType, ContextType, RequireFields<QuerySignalArgs, 'id'>>;
  signalStats?: Resolver<Array<ResolversTypes['SignalStatsGroup']>, ParentType, ContextType, RequireFields<QuerySignalStatsArgs, 'groupBy'>>;
  signals?: Resolver<ResolversTypes['SignalConnection'], ParentType, ContextType, RequireFields<QuerySignalsArgs, 'first'>>;
}>;

export type SignalResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Signal'] = ResolversParentTypes['Signal'], FederationReferenceType extends FederationReferenceTypes['Signal'] = FederationReferenceTypes['Signal']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Signal']> | FederationReferenceType, FederationReferenceType, ContextType>;
  action?: Resolver<ResolversTypes['SignalAction'], ParentType, ContextType>;
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  executionParams?: Resolver<ResolversTypes['ExecutionParams'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['SignalExplanation'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  latencyMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  marketDataTimestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  metadata?: Resolver<ResolversTypes['SignalMetadata'], ParentType, ContextType>;
  priceTarget?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  quantity?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  riskScore?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  sequence?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  shadow?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  stopLoss?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
  strategySource?: Resolver<ResolversTypes['StrategySource'], ParentType, ContextType>;
  strategyVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  symbol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  takeProfit?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type SignalConnectionResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalConnection'] = ResolversParentTypes['SignalConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['SignalEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type SignalEdgeResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalEdge'] = ResolversParentTypes['SignalEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Signal'], ParentType, ContextType>;
}>;

export type SignalExplanationResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalExplanation'] = ResolversParentTypes['SignalExplanation']> = ResolversObject<{
  indicators?: Resolver<Array<ResolversTypes['SignalIndicator']>, ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SignalIndicatorResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalIndicator'] = ResolversParentTypes['SignalIndicator']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
}>;

export type SignalMetadataResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalMetadata'] = ResolversParentTypes['SignalMetadata']> = ResolversObject<{
  marketConditions?: Resolver<ResolversTypes['MarketConditions'], ParentType, ContextType>;
  volatility?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  volumeProfile?: Resolver<ResolversTypes['VolumeProfile'], ParentType, ContextType>;
}>;

export type SignalStatsGroupResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalStatsGroup'] = ResolversParentTypes['SignalStatsGroup']> = ResolversObject<{
  action?: Resolver<Maybe<ResolversTypes['SignalAction']>, ParentType, ContextType>;
  averageConfidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  strategy?: Resolver<Maybe<ResolversTypes['Strategy']>, ParentType, ContextType>;
  symbol?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type StrategyResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Strategy'] = ResolversParentTypes['Strategy'], FederationReferenceType extends FederationReferenceTypes['Strategy'] = FederationReferenceTypes['Strategy']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Strategy']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signals?: Resolver<ResolversTypes['SignalConnection'], ParentType, ContextType, RequireFields<StrategySignalsArgs, 'first' | 'shadow'>>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  signals?: SubscriptionResolver<ResolversTypes['Signal'], "signals", ParentType, ContextType, Partial<SubscriptionSignalsArgs>>;
}>;

export type Resolvers<ContextType = SignalContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  ExecutionParams?: ExecutionParamsResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Signal?: SignalResolvers<ContextType>;
  SignalConnection?: SignalConnectionResolvers<ContextType>;
  SignalEdge?: SignalEdgeResolvers<ContextType>;
  SignalExplanation?: SignalExplanationResolvers<ContextType>;
  SignalIndicator?: SignalIndicatorResolvers<ContextType>;
  SignalMetadata?: SignalMetadataResolvers<ContextType>;
  SignalStatsGroup?: SignalStatsGroupResolvers<ContextType>;
  Strategy?: StrategyResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
}>;

