import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Candle as CandleModel } from '@alphintra/core';
import type { InstrumentState, MarketDataContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
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

/** An OHLCV candle over [openTime, closeTime). */
export type Candle = {
  __typename?: 'Candle';
  close: Scalars['Decimal']['output'];
  closeTime: Scalars['DateTime']['output'];
  /** False when a feed gap touched the candle and the missing trades could not be had. */
  complete: Scalars['Boolean']['output'];
  high: Scalars['Decimal']['output'];
  /** One of 1m, 5m, 15m, 1h, 4h, 1d. */
  interval: Scalars['String']['output'];
  low: Scalars['Decimal']['output'];
  open: Scalars['Decimal']['output'];
  openTime: Scalars['DateTime']['output'];
  /** Provider(s) whose trades built the candle, comma separated when a failover happened inside it. */
  source: Scalars['String']['output'];
  symbol: Scalars['String']['output'];
  /** Number of trades in the candle. */
  trades: Scalars['Int']['output'];
  /** Base-asset volume. */
  volume: Scalars['Decimal']['output'];
};

/** One market-data provider's connection, as the feed manager last reported it. */
export type Feed = {
  __typename?: 'Feed';
  /** Whether candles are built from this provider now. */
  active: Scalars['Boolean']['output'];
  /** Why it is in this state, when not CONNECTED. */
  detail?: Maybe<Scalars['String']['output']>;
  /** Gaps in the trade ids that were filled from the provider's history. */
  gapsFilled: Scalars['Int']['output'];
  /** Arrival time minus exchange time of the last trade, in milliseconds. */
  lagMs?: Maybe<Scalars['Float']['output']>;
  /** When the last message of any kind arrived. */
  lastMessageAt?: Maybe<Scalars['DateTime']['output']>;
  provider: Scalars['String']['output'];
  /** Quarantined trades by reason. */
  quarantine: Array<QuarantineCount>;
  /** The newest quarantined trades of this provider, newest first (at most 200). */
  recentQuarantined: Array<QuarantinedTrade>;
  /** Connections opened after the first one. */
  reconnects: Scalars['Int']['output'];
  role: FeedRole;
  state: FeedState;
  tradesBackfilled: Scalars['Int']['output'];
  tradesQuarantined: Scalars['Int']['output'];
};


/** One market-data provider's connection, as the feed manager last reported it. */
export type FeedRecentQuarantinedArgs = {
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** What a provider is for. */
export type FeedRole =
  | 'BACKUP'
  | 'PRIMARY';

/** What a provider's connection is doing. */
export type FeedState =
  /** Disconnected, waiting before the next reconnect attempt. */
  | 'BACKOFF'
  /** Too many consecutive failures; no attempt until the cool-down ends. */
  | 'BREAKER_OPEN'
  /** Receiving messages. */
  | 'CONNECTED'
  /** Not started, or stopped. */
  | 'DISCONNECTED'
  /** Connected, but no message within the heartbeat window. */
  | 'STALE';

/** A tradable instrument the platform receives market data for. */
export type Instrument = {
  __typename?: 'Instrument';
  baseAsset: Scalars['String']['output'];
  /** Close of the newest stored 1m candle. */
  lastPrice?: Maybe<Scalars['Decimal']['output']>;
  /** Time of the last trade in the newest stored 1m candle. */
  lastTradeAt?: Maybe<Scalars['DateTime']['output']>;
  quoteAsset: Scalars['String']['output'];
  /** The exchange's trading status, e.g. TRADING. */
  status: Scalars['String']['output'];
  symbol: Scalars['String']['output'];
};

/** How many trades were quarantined for one reason. */
export type QuarantineCount = {
  __typename?: 'QuarantineCount';
  count: Scalars['Int']['output'];
  /** NON_POSITIVE, TOO_PRECISE, PRICE_BAND, FUTURE_TIME, DUPLICATE_ID, UNKNOWN_SYMBOL, ... */
  reason: Scalars['String']['output'];
};

/** A trade a quality check refused: it built no candle. */
export type QuarantinedTrade = {
  __typename?: 'QuarantinedTrade';
  detail: Scalars['String']['output'];
  /** The price as the provider sent it. */
  price: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  /** The quantity as the provider sent it. */
  quantity: Scalars['String']['output'];
  quarantinedAt: Scalars['DateTime']['output'];
  reason: Scalars['String']['output'];
  symbol: Scalars['String']['output'];
  /** Exchange time of the trade. */
  time: Scalars['DateTime']['output'];
  tradeId: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Closed candles, oldest first; `last` keeps the newest N of the range (at most 5000). */
  candles: Array<Candle>;
  /** The market-data providers and their connections. */
  feeds: Array<Feed>;
  /** Instruments with market data, by symbol. */
  instruments: Array<Instrument>;
};


export type QueryCandlesArgs = {
  from?: InputMaybe<Scalars['DateTime']['input']>;
  interval?: Scalars['String']['input'];
  last?: InputMaybe<Scalars['Int']['input']>;
  symbol: Scalars['String']['input'];
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Each candle of the series as it closes. */
  candles: Candle;
};


export type SubscriptionCandlesArgs = {
  interval?: Scalars['String']['input'];
  symbol: Scalars['String']['input'];
};

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
  Instrument: Instrument;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Instrument:
    ( { __typename: 'Instrument' }
    & GraphQLRecursivePick<FederationTypes['Instrument'], {"symbol":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Candle: ResolverTypeWrapper<CandleModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  Feed: ResolverTypeWrapper<Feed>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  FeedRole: FeedRole;
  FeedState: FeedState;
  Instrument: ResolverTypeWrapper<InstrumentState>;
  QuarantineCount: ResolverTypeWrapper<QuarantineCount>;
  QuarantinedTrade: ResolverTypeWrapper<QuarantinedTrade>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Candle: CandleModel;
  Boolean: Scalars['Boolean']['output'];
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  Feed: Feed;
  Float: Scalars['Float']['output'];
  Instrument: InstrumentState;
  QuarantineCount: QuarantineCount;
  QuarantinedTrade: QuarantinedTrade;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
}>;

export type CandleResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['Candle'] = ResolversParentTypes['Candle']> = ResolversObject<{
  close?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  closeTime?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  high?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  low?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  open?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  openTime?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  symbol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  trades?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  volume?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type FeedResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['Feed'] = ResolversParentTypes['Feed']> = ResolversObject<{
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  detail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  gapsFilled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lagMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  lastMessageAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quarantine?: Resolver<Array<ResolversTypes['QuarantineCount']>, ParentType, ContextType>;
  recentQuarantined?: Resolver<Array<ResolversTypes['QuarantinedTrade']>, ParentType, ContextType, RequireFields<FeedRecentQuarantinedArgs, 'last'>>;
  reconnects?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['FeedRole'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['FeedState'], ParentType, ContextType>;
  tradesBackfilled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tradesQuarantined?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type InstrumentResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['Instrument'] = ResolversParentTypes['Instrument'], FederationReferenceType extends FederationReferenceTypes['Instrument'] = FederationReferenceTypes['Instrument']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Instrument']> | FederationReferenceType, FederationReferenceType, ContextType>;
  baseAsset?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastPrice?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  lastTradeAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  quoteAsset?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  symbol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QuarantineCountResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['QuarantineCount'] = ResolversParentTypes['QuarantineCount']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QuarantinedTradeResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['QuarantinedTrade'] = ResolversParentTypes['QuarantinedTrade']> = ResolversObject<{
  detail?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quarantinedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  symbol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  tradeId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  candles?: Resolver<Array<ResolversTypes['Candle']>, ParentType, ContextType, RequireFields<QueryCandlesArgs, 'interval' | 'symbol'>>;
  feeds?: Resolver<Array<ResolversTypes['Feed']>, ParentType, ContextType>;
  instruments?: Resolver<Array<ResolversTypes['Instrument']>, ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = MarketDataContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  candles?: SubscriptionResolver<ResolversTypes['Candle'], "candles", ParentType, ContextType, RequireFields<SubscriptionCandlesArgs, 'interval' | 'symbol'>>;
}>;

export type Resolvers<ContextType = MarketDataContext> = ResolversObject<{
  Candle?: CandleResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Feed?: FeedResolvers<ContextType>;
  Instrument?: InstrumentResolvers<ContextType>;
  QuarantineCount?: QuarantineCountResolvers<ContextType>;
  QuarantinedTrade?: QuarantinedTradeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
}>;

