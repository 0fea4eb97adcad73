import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Signal as SignalModel } from '@alphintra/core';
import type { OutcomeRecord as SignalOutcomeModel, WebhookRecord as WebhookModel, WebhookDeliveryRecord as WebhookDeliveryModel, WebhookAttemptRecord as WebhookAttemptModel, BacktestRecord as BacktestModel, BacktestRecord as BacktestResultModel, BacktestSignalRecord as BacktestSignalModel } from '@alphintra/db';
import type { StrategyRef, StrategyPerformanceModel, SignalContext } from '../context.ts';
import type { PerformanceSummary as PerformanceSummaryModel } from '@alphintra/engine';
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
  /** Any JSON value (strategy documents). */
  JSON: { input: unknown; output: unknown; }
  _FieldSet: { input: unknown; output: unknown; }
};

/**
 * A backtest job: one strategy version (or a draft document, run as version 0) over the stored candles of some
 * symbols, with the engine that runs live. Its signals are never delivered to subscribers, Kafka or webhooks.
 */
export type Backtest = {
  __typename?: 'Backtest';
  /** Candle slots evaluated (symbols x period), of `candlesTotal` (null until the job runs). */
  candlesDone: Scalars['Int']['output'];
  candlesTotal?: Maybe<Scalars['Int']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** The document run. */
  document: Scalars['JSON']['output'];
  /** Why it failed; null otherwise. */
  error?: Maybe<Scalars['String']['output']>;
  feeBps: Scalars['Float']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Candles opening from `from` (inclusive) to `to` (exclusive) are evaluated. */
  from: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** 0 to 1. */
  progress: Scalars['Float']['output'];
  /** The result once SUCCEEDED; null before, and for a failed or cancelled job. */
  result?: Maybe<BacktestResult>;
  slippageBps: Scalars['Float']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: BacktestStatus;
  /** The strategy backtested (`id` and `name` come with the job). */
  strategy: Strategy;
  /** The version run; 0 for a draft document. */
  strategyVersion: Scalars['Int']['output'];
  symbols: Array<Scalars['String']['output']>;
  to: Scalars['DateTime']['output'];
};

export type BacktestIdInput = {
  id: Scalars['ID']['input'];
};

export type BacktestPayload = {
  __typename?: 'BacktestPayload';
  backtest: Backtest;
};

export type BacktestResult = {
  __typename?: 'BacktestResult';
  /** How many signals the backtest gave. */
  signalCount: Scalars['Int']['output'];
  /** Its signals, oldest first, each with its outcome. `first` is 1 to 100. */
  signals: BacktestSignalConnection;
  /** Figures over every signal's outcome, with the job's fees and slippage. */
  summary: PerformanceSummary;
};


export type BacktestResultSignalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A signal a backtest gave, as a live run would have given it (same id), with its outcome. */
export type BacktestSignal = {
  __typename?: 'BacktestSignal';
  action: SignalAction;
  confidence: Scalars['Float']['output'];
  expiresAt: Scalars['DateTime']['output'];
  explanation: SignalExplanation;
  id: Scalars['ID']['output'];
  outcome: SignalOutcome;
  priceTarget: Scalars['Decimal']['output'];
  quantity?: Maybe<Scalars['Decimal']['output']>;
  riskScore: Scalars['Float']['output'];
  stopLoss: Scalars['Decimal']['output'];
  symbol: Scalars['String']['output'];
  takeProfit: Scalars['Decimal']['output'];
  /** Close time of the candle the signal was computed on. */
  timestamp: Scalars['DateTime']['output'];
};

export type BacktestSignalConnection = {
  __typename?: 'BacktestSignalConnection';
  edges: Array<BacktestSignalEdge>;
  pageInfo: PageInfo;
};

export type BacktestSignalEdge = {
  __typename?: 'BacktestSignalEdge';
  cursor: Scalars['String']['output'];
  node: BacktestSignal;
};

/**
 * `QUEUED`: waiting for a runner; `RUNNING`; `SUCCEEDED` (its result is ready); `FAILED` (`error` says why, including
 * a runner that stopped mid-job); `CANCELLED`.
 */
export type BacktestStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type DeleteWebhookPayload = {
  __typename?: 'DeleteWebhookPayload';
  id: Scalars['ID']['output'];
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

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels a QUEUED or RUNNING job (the runner stops at its next page); a job that has ended is returned as it is. */
  cancelBacktest: BacktestPayload;
  /** Deletes a webhook with its deliveries. */
  deleteWebhook: DeleteWebhookPayload;
  pauseWebhook: WebhookPayload;
  /** Registers a webhook; the payload carries its secret. */
  registerWebhook: WebhookSecretPayload;
  /** A DEAD or FAILED delivery is due again now, with a new retry window. */
  replayWebhookDelivery: WebhookDeliveryPayload;
  resumeWebhook: WebhookPayload;
  /** A new secret; the old one keeps signing beside it for the rotation grace period (24 h by default). */
  rotateWebhookSecret: WebhookSecretPayload;
  /**
   * Queues a backtest of a strategy the caller may read. At most `BACKTEST_MAX_ACTIVE` jobs per user are QUEUED or
   * RUNNING at once (BACKTEST_LIMIT_EXCEEDED), and symbols x candles of the period at most `BACKTEST_MAX_CANDLES`.
   */
  runBacktest: BacktestPayload;
  /** Sends a signed `webhook.test` event now and returns the attempt (nothing is stored or retried). */
  testWebhook: WebhookTestPayload;
};


export type MutationCancelBacktestArgs = {
  input: BacktestIdInput;
};


export type MutationDeleteWebhookArgs = {
  input: WebhookIdInput;
};


export type MutationPauseWebhookArgs = {
  input: WebhookIdInput;
};


export type MutationRegisterWebhookArgs = {
  input: RegisterWebhookInput;
};


export type MutationReplayWebhookDeliveryArgs = {
  input: ReplayWebhookDeliveryInput;
};


export type MutationResumeWebhookArgs = {
  input: WebhookIdInput;
};


export type MutationRotateWebhookSecretArgs = {
  input: WebhookIdInput;
};


export type MutationRunBacktestArgs = {
  input: RunBacktestInput;
};


export type MutationTestWebhookArgs = {
  input: WebhookIdInput;
};

export type OrderType =
  | 'LIMIT'
  | 'MARKET';

/** Where a followed signal stands. */
export type OutcomeStatus =
  | 'EXPIRED'
  | 'OPEN'
  | 'STOP_LOSS'
  | 'TAKE_PROFIT';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** live minus backtest, figure by figure. */
export type PerformanceDifference = {
  __typename?: 'PerformanceDifference';
  averageReturnPct?: Maybe<Scalars['Float']['output']>;
  exposure: Scalars['Float']['output'];
  maxDrawdownPct: Scalars['Float']['output'];
  profitFactor?: Maybe<Scalars['Float']['output']>;
  sharpeRatio?: Maybe<Scalars['Float']['output']>;
  totalReturnPct: Scalars['Float']['output'];
  trades: Scalars['Int']['output'];
  winRate?: Maybe<Scalars['Float']['output']>;
};

/**
 * Figures of a set of signal outcomes. A trade is a closed outcome; its net return is its `returnPct` minus the
 * round trip cost (2 x (feeBps + slippageBps) / 100 percent). Null where a figure has no value.
 */
export type PerformanceSummary = {
  __typename?: 'PerformanceSummary';
  /** Mean net return per trade, percent. */
  averageReturnPct?: Maybe<Scalars['Float']['output']>;
  expired: Scalars['Int']['output'];
  /** Fraction (0 to 1) of the period with at least one position open. */
  exposure: Scalars['Float']['output'];
  losses: Scalars['Int']['output'];
  /** Largest fall of the compounded equity curve from a peak, percent of the peak. */
  maxDrawdownPct: Scalars['Float']['output'];
  /** Outcomes still open when the candles ended. */
  open: Scalars['Int']['output'];
  /** Gross profit over gross loss; null without a loss. */
  profitFactor?: Maybe<Scalars['Float']['output']>;
  roundTripCostPct: Scalars['Float']['output'];
  /** Mean over sample standard deviation of the net returns per trade (not annualised). */
  sharpeRatio?: Maybe<Scalars['Float']['output']>;
  stopLosses: Scalars['Int']['output'];
  takeProfits: Scalars['Int']['output'];
  /** Compounded net return of the trades in close order, percent. */
  totalReturnPct: Scalars['Float']['output'];
  /** Closed outcomes. */
  trades: Scalars['Int']['output'];
  /** wins / trades. */
  winRate?: Maybe<Scalars['Float']['output']>;
  wins: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** A backtest job: its owner's (or an admin's). */
  backtest?: Maybe<Backtest>;
  /** The caller's backtest jobs, newest first (an admin's: everyone's). `first` is 1 to 100. */
  backtests: Array<Backtest>;
  signal?: Maybe<Signal>;
  /**
   * Signal counts and average confidence per group of `groupBy` (none: one group of all), over signals passing
   * `filter` (live ones unless `filter.shadow`) with `timestamp` from `from` (inclusive) to `to` (exclusive). Groups
   * are ordered by strategy id, symbol, then action; groups without signals are absent.
   */
  signalStats: Array<SignalStatsGroup>;
  /** Persisted signals, newest first. `first` is 1 to 100. */
  signals: SignalConnection;
  webhook?: Maybe<Webhook>;
  /** Every webhook, oldest first. */
  webhooks: Array<Webhook>;
};


export type QueryBacktestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBacktestsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
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


export type QueryWebhookArgs = {
  id: Scalars['ID']['input'];
};

export type RegisterWebhookInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WebhookFilterInput>;
  /** http or https, at most 2,048 characters, not resolving to a loopback, link-local, private or unspecified address. */
  url: Scalars['String']['input'];
};

export type ReplayWebhookDeliveryInput = {
  deliveryId: Scalars['ID']['input'];
};

/** A backtest's period and costs. */
export type RunBacktestInput = {
  /** A draft strategy document to run instead of a stored version (checked like createStrategy's). */
  document?: InputMaybe<Scalars['JSON']['input']>;
  /** Fee per side in basis points (0 to 1,000). */
  feeBps?: InputMaybe<Scalars['Float']['input']>;
  /** Candles opening from `from` (inclusive) to `to` (exclusive). */
  from: Scalars['DateTime']['input'];
  /** Slippage per side in basis points (0 to 1,000). */
  slippageBps?: InputMaybe<Scalars['Float']['input']>;
  strategyId: Scalars['ID']['input'];
  /** Default: the version's symbols. */
  symbols?: InputMaybe<Array<Scalars['String']['input']>>;
  to: Scalars['DateTime']['input'];
  /** A stored version to run (default: the current one); give `document` instead to run a draft. */
  version?: InputMaybe<Scalars['Int']['input']>;
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
  /**
   * What became of the signal on the candles after it: OPEN until its take profit, its stop loss or its expiry is
   * reached. Null for a shadow signal, which is not followed.
   */
  outcome?: Maybe<SignalOutcome>;
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

/**
 * What became of a live signal, followed from the next candle of its symbol on its strategy's interval. A candle that
 * reaches both the stop and the target closes it STOP_LOSS.
 */
export type SignalOutcome = {
  __typename?: 'SignalOutcome';
  /** Market time it closed: the close of the candle that reached a level, or the expiry; null while OPEN. */
  closedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The price it closed at: the level reached (the candle's open when it opened beyond the stop), or the last close by the expiry; null while OPEN. */
  exitPrice?: Maybe<Scalars['Decimal']['output']>;
  /** Return in percent, signed for the side (a SELL gains when the price falls), before fees and slippage; null while OPEN. */
  returnPct?: Maybe<Scalars['Float']['output']>;
  status: OutcomeStatus;
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
  /**
   * How a version's live signals (default: the current version) on the candles opening in [`from`, `to`) fared, each
   * followed on the stored candles after it, beside a backtest of the same version over the same candles, and the
   * difference. Costs in basis points, paid on entry and on exit. The period is bounded like a backtest's.
   */
  performance: StrategyPerformance;
  /** The strategy's signals (all versions), newest first. `first` is 1 to 100; `shadow: true` lists shadow signals. */
  signals: SignalConnection;
  version: Scalars['Int']['output'];
};


export type StrategyPerformanceArgs = {
  feeBps?: InputMaybe<Scalars['Float']['input']>;
  from: Scalars['DateTime']['input'];
  slippageBps?: InputMaybe<Scalars['Float']['input']>;
  to: Scalars['DateTime']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type StrategySignalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  shadow?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A version's live performance beside its backtest over the same period. */
export type StrategyPerformance = {
  __typename?: 'StrategyPerformance';
  /** A backtest of the version over the stored candles of the period (warmed up on the candles before it). */
  backtest: PerformanceSummary;
  backtestOnly: Array<Scalars['ID']['output']>;
  /** live minus backtest, figure by figure (null where either is null). */
  difference: PerformanceDifference;
  from: Scalars['DateTime']['output'];
  /** The stored live signals of the version in the period, each with its outcome. */
  live: PerformanceSummary;
  /** Signal ids in the live run only, and in the backtest only (none when live and backtest agree). */
  liveOnly: Array<Scalars['ID']['output']>;
  to: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type StrategySource =
  | 'AI_ML'
  | 'NO_CODE';

export type Subscription = {
  __typename?: 'Subscription';
  /** A backtest job as it is now, then again at each page of candles it evaluates, until it ends (the last event). */
  backtestProgress: Backtest;
  /**
   * Each new live signal matching the filter, in delivery order (shadow signals are never delivered). With `since`
   * (the id of the last signal the client saw, or an ISO 8601 time: from the first signal at or after it in delivery
   * order) the stored signals after that point come first, then live ones, with no gap and no duplicate: what a
   * client that never disconnected would have seen.
   */
  signals: Signal;
};


export type SubscriptionBacktestProgressArgs = {
  id: Scalars['ID']['input'];
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

/**
 * A receiver of signals: each live signal matching its filter is POSTed to its URL as the standard signal JSON, signed
 * per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff for up to the
 * retry window (24 h by default), then dead-lettered. It receives the signals stored after it was registered.
 */
export type Webhook = {
  __typename?: 'Webhook';
  createdAt: Scalars['DateTime']['output'];
  /** Its deliveries, newest signal first, optionally of one status. `first` is 1 to 100. */
  deliveries: WebhookDeliveryConnection;
  description: Scalars['String']['output'];
  filter: WebhookFilter;
  id: Scalars['ID']['output'];
  /** A paused webhook's deliveries are kept and wait; they are sent once it is resumed. */
  paused: Scalars['Boolean']['output'];
  updatedAt: Scalars['DateTime']['output'];
  url: Scalars['String']['output'];
};


/**
 * A receiver of signals: each live signal matching its filter is POSTed to its URL as the standard signal JSON, signed
 * per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff for up to the
 * retry window (24 h by default), then dead-lettered. It receives the signals stored after it was registered.
 */
export type WebhookDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<WebhookDeliveryStatus>;
};

export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  at: Scalars['DateTime']['output'];
  attempt: Scalars['Int']['output'];
  /** Why it failed; null for a success. */
  error?: Maybe<Scalars['String']['output']>;
  /** The receiver's HTTP status; null when there was no HTTP answer (refused, timeout, not HTTP). */
  httpStatus?: Maybe<Scalars['Int']['output']>;
  latencyMs: Scalars['Float']['output'];
};

/** One signal to one webhook. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  attemptCount: Scalars['Int']['output'];
  /** Every attempt, oldest first. */
  attempts: Array<WebhookAttempt>;
  createdAt: Scalars['DateTime']['output'];
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The `webhook-id` header: the same on every attempt. */
  id: Scalars['ID']['output'];
  lastAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  lastError?: Maybe<Scalars['String']['output']>;
  /** When the next attempt is due (null once DELIVERED or DEAD). */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  signal: Signal;
  status: WebhookDeliveryStatus;
};

export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  edges: Array<WebhookDeliveryEdge>;
  pageInfo: PageInfo;
};

export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  cursor: Scalars['String']['output'];
  node: WebhookDelivery;
};

export type WebhookDeliveryPayload = {
  __typename?: 'WebhookDeliveryPayload';
  delivery: WebhookDelivery;
};

/**
 * `PENDING`: not attempted yet (or replayed); `FAILED`: the last attempt failed, a retry is scheduled; `DELIVERED`: a
 * 2xx answer; `DEAD`: the retry window ran out (replay it with `replayWebhookDelivery`).
 */
export type WebhookDeliveryStatus =
  | 'DEAD'
  | 'DELIVERED'
  | 'FAILED'
  | 'PENDING';

/** Which signals a webhook receives; an absent list matches everything. */
export type WebhookFilter = {
  __typename?: 'WebhookFilter';
  actions?: Maybe<Array<SignalAction>>;
  minConfidence?: Maybe<Scalars['Float']['output']>;
  strategyIds?: Maybe<Array<Scalars['ID']['output']>>;
  symbols?: Maybe<Array<Scalars['String']['output']>>;
};

export type WebhookFilterInput = {
  actions?: InputMaybe<Array<SignalAction>>;
  /** 0 to 1. */
  minConfidence?: InputMaybe<Scalars['Float']['input']>;
  strategyIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  symbols?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type WebhookIdInput = {
  id: Scalars['ID']['input'];
};

export type WebhookPayload = {
  __typename?: 'WebhookPayload';
  webhook: Webhook;
};

/** A webhook with its signing secret (`whsec_<base64>`): shown here only, keep it. */
export type WebhookSecretPayload = {
  __typename?: 'WebhookSecretPayload';
  secret: Scalars['String']['output'];
  webhook: Webhook;
};

/** The attempt of a `webhook.test` event. */
export type WebhookTestPayload = {
  __typename?: 'WebhookTestPayload';
  at: Scalars['DateTime']['output'];
  error?: Maybe<Scalars['String']['output']>;
  httpStatus?: Maybe<Scalars['Int']['output']>;
  /** The message's `webhook-id`. */
  id: Scalars['ID']['output'];
  latencyMs: Scalars['Float']['output'];
  ok: Scalars['Boolean']['output'];
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
  Backtest: ResolverTypeWrapper<BacktestModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  BacktestIdInput: BacktestIdInput;
  BacktestPayload: ResolverTypeWrapper<Omit<BacktestPayload, 'backtest'> & { backtest: ResolversTypes['Backtest'] }>;
  BacktestResult: ResolverTypeWrapper<BacktestResultModel>;
  BacktestSignal: ResolverTypeWrapper<BacktestSignalModel>;
  BacktestSignalConnection: ResolverTypeWrapper<Omit<BacktestSignalConnection, 'edges'> & { edges: Array<ResolversTypes['BacktestSignalEdge']> }>;
  BacktestSignalEdge: ResolverTypeWrapper<Omit<BacktestSignalEdge, 'node'> & { node: ResolversTypes['BacktestSignal'] }>;
  BacktestStatus: BacktestStatus;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  DeleteWebhookPayload: ResolverTypeWrapper<DeleteWebhookPayload>;
  ExecutionParams: ResolverTypeWrapper<ExecutionParams>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MarketConditions: MarketConditions;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OrderType: OrderType;
  OutcomeStatus: OutcomeStatus;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PerformanceDifference: ResolverTypeWrapper<PerformanceDifference>;
  PerformanceSummary: ResolverTypeWrapper<PerformanceSummaryModel>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterWebhookInput: RegisterWebhookInput;
  ReplayWebhookDeliveryInput: ReplayWebhookDeliveryInput;
  RunBacktestInput: RunBacktestInput;
  Signal: ResolverTypeWrapper<SignalModel>;
  SignalAction: SignalAction;
  SignalConnection: ResolverTypeWrapper<Omit<SignalConnection, 'edges'> & { edges: Array<ResolversTypes['SignalEdge']> }>;
  SignalEdge: ResolverTypeWrapper<Omit<SignalEdge, 'node'> & { node: ResolversTypes['Signal'] }>;
  SignalExplanation: ResolverTypeWrapper<SignalExplanation>;
  SignalFilter: SignalFilter;
  SignalIndicator: ResolverTypeWrapper<SignalIndicator>;
  SignalMetadata: ResolverTypeWrapper<SignalMetadata>;
  SignalOutcome: ResolverTypeWrapper<SignalOutcomeModel>;
  SignalStatsDimension: SignalStatsDimension;
  SignalStatsGroup: ResolverTypeWrapper<Omit<SignalStatsGroup, 'strategy'> & { strategy?: Maybe<ResolversTypes['Strategy']> }>;
  Strategy: ResolverTypeWrapper<StrategyRef>;
  StrategyPerformance: ResolverTypeWrapper<StrategyPerformanceModel>;
  StrategySource: StrategySource;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TimeInForce: TimeInForce;
  VolumeProfile: VolumeProfile;
  Webhook: ResolverTypeWrapper<WebhookModel>;
  WebhookAttempt: ResolverTypeWrapper<WebhookAttemptModel>;
  WebhookDelivery: ResolverTypeWrapper<WebhookDeliveryModel>;
  WebhookDeliveryConnection: ResolverTypeWrapper<Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversTypes['WebhookDeliveryEdge']> }>;
  WebhookDeliveryEdge: ResolverTypeWrapper<Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversTypes['WebhookDelivery'] }>;
  WebhookDeliveryPayload: ResolverTypeWrapper<Omit<WebhookDeliveryPayload, 'delivery'> & { delivery: ResolversTypes['WebhookDelivery'] }>;
  WebhookDeliveryStatus: WebhookDeliveryStatus;
  WebhookFilter: ResolverTypeWrapper<WebhookFilter>;
  WebhookFilterInput: WebhookFilterInput;
  WebhookIdInput: WebhookIdInput;
  WebhookPayload: ResolverTypeWrapper<Omit<WebhookPayload, 'webhook'> & { webhook: ResolversTypes['Webhook'] }>;
  WebhookSecretPayload: ResolverTypeWrapper<Omit<WebhookSecretPayload, 'webhook'> & { webhook: ResolversTypes['Webhook'] }>;
  WebhookTestPayload: ResolverTypeWrapper<WebhookTestPayload>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Backtest: BacktestModel;
  Int: Scalars['Int']['output'];
  String: Scalars['String']['output'];
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  BacktestIdInput: BacktestIdInput;
  BacktestPayload: Omit<BacktestPayload, 'backtest'> & { backtest: ResolversParentTypes['Backtest'] };
  BacktestResult: BacktestResultModel;
  BacktestSignal: BacktestSignalModel;
  BacktestSignalConnection: Omit<BacktestSignalConnection, 'edges'> & { edges: Array<ResolversParentTypes['BacktestSignalEdge']> };
  BacktestSignalEdge: Omit<BacktestSignalEdge, 'node'> & { node: ResolversParentTypes['BacktestSignal'] };
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  DeleteWebhookPayload: DeleteWebhookPayload;
  ExecutionParams: ExecutionParams;
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  PerformanceDifference: PerformanceDifference;
  PerformanceSummary: PerformanceSummaryModel;
  Query: Record<PropertyKey, never>;
  RegisterWebhookInput: RegisterWebhookInput;
  ReplayWebhookDeliveryInput: ReplayWebhookDeliveryInput;
  RunBacktestInput: RunBacktestInput;
  Signal: SignalModel;
  SignalConnection: Omit<SignalConnection, 'edges'> & { edges: Array<ResolversParentTypes['SignalEdge']> };
  SignalEdge: Omit<SignalEdge, 'node'> & { node: ResolversParentTypes['Signal'] };
  SignalExplanation: SignalExplanation;
  SignalFilter: SignalFilter;
  SignalIndicator: SignalIndicator;
  SignalMetadata: SignalMetadata;
  SignalOutcome: SignalOutcomeModel;
  SignalStatsGroup: Omit<SignalStatsGroup, 'strategy'> & { strategy?: Maybe<ResolversParentTypes['Strategy']> };
  Strategy: StrategyRef;
  StrategyPerformance: StrategyPerformanceModel;
  Subscription: Record<PropertyKey, never>;
  Webhook: WebhookModel;
  WebhookAttempt: WebhookAttemptModel;
  WebhookDelivery: WebhookDeliveryModel;
  WebhookDeliveryConnection: Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversParentTypes['WebhookDeliveryEdge']> };
  WebhookDeliveryEdge: Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversParentTypes['WebhookDelivery'] };
  WebhookDeliveryPayload: Omit<WebhookDeliveryPayload, 'delivery'> & { delivery: ResolversParentTypes['WebhookDelivery'] };
  WebhookFilter: WebhookFilter;
  WebhookFilterInput: WebhookFilterInput;
  WebhookIdInput: WebhookIdInput;
  WebhookPayload: Omit<WebhookPayload, 'webhook'> & { webhook: ResolversParentTypes['Webhook'] };
  WebhookSecretPayload: Omit<WebhookSecretPayload, 'webhook'> & { webhook: ResolversParentTypes['Webhook'] };
  WebhookTestPayload: WebhookTestPayload;
}>;

export type BacktestResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Backtest'] = ResolversParentTypes['Backtest']> = ResolversObject<{
  candlesDone?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  candlesTotal?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  feeBps?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  result?: Resolver<Maybe<ResolversTypes['BacktestResult']>, ParentType, ContextType>;
  slippageBps?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BacktestStatus'], ParentType, ContextType>;
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
  strategyVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  symbols?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type BacktestPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['BacktestPayload'] = ResolversParentTypes['BacktestPayload']> = ResolversObject<{
  backtest?: Resolver<ResolversTypes['Backtest'], ParentType, ContextType>;
}>;

export type BacktestResultResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['BacktestResult'] = ResolversParentTypes['BacktestResult']> = ResolversObject<{
  signalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  signals?: Resolver<ResolversTypes['BacktestSignalConnection'], ParentType, ContextType, RequireFields<BacktestResultSignalsArgs, 'first'>>;
  summary?: Resolver<ResolversTypes['PerformanceSummary'], ParentType, ContextType>;
}>;

export type BacktestSignalResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['BacktestSignal'] = ResolversParentTypes['BacktestSignal']> = ResolversObject<{
  action?: Resolver<ResolversTypes['SignalAction'], ParentType, ContextType>;
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['SignalExplanation'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['SignalOutcome'], ParentType, ContextType>;
  priceTarget?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  quantity?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  riskScore?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  stopLoss?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  symbol?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  takeProfit?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type BacktestSignalConnectionResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['BacktestSignalConnection'] = ResolversParentTypes['BacktestSignalConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['BacktestSignalEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type BacktestSignalEdgeResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['BacktestSignalEdge'] = ResolversParentTypes['BacktestSignalEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['BacktestSignal'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type DeleteWebhookPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['DeleteWebhookPayload'] = ResolversParentTypes['DeleteWebhookPayload']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ExecutionParamsResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['ExecutionParams'] = ResolversParentTypes['ExecutionParams']> = ResolversObject<{
  maxSlippage?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  orderType?: Resolver<ResolversTypes['OrderType'], ParentType, ContextType>;
  timeInForce?: Resolver<ResolversTypes['TimeInForce'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MutationResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelBacktest?: Resolver<ResolversTypes['BacktestPayload'], ParentType, ContextType, RequireFields<MutationCancelBacktestArgs, 'input'>>;
  deleteWebhook?: Resolver<ResolversTypes['DeleteWebhookPayload'], ParentType, ContextType, RequireFields<MutationDeleteWebhookArgs, 'input'>>;
  pauseWebhook?: Resolver<ResolversTypes['WebhookPayload'], ParentType, ContextType, RequireFields<MutationPauseWebhookArgs, 'input'>>;
  registerWebhook?: Resolver<ResolversTypes['WebhookSecretPayload'], ParentType, ContextType, RequireFields<MutationRegisterWebhookArgs, 'input'>>;
  replayWebhookDelivery?: Resolver<ResolversTypes['WebhookDeliveryPayload'], ParentType, ContextType, RequireFields<MutationReplayWebhookDeliveryArgs, 'input'>>;
  resumeWebhook?: Resolver<ResolversTypes['WebhookPayload'], ParentType, ContextType, RequireFields<MutationResumeWebhookArgs, 'input'>>;
  rotateWebhookSecret?: Resolver<ResolversTypes['WebhookSecretPayload'], ParentType, ContextType, RequireFields<MutationRotateWebhookSecretArgs, 'input'>>;
  runBacktest?: Resolver<ResolversTypes['BacktestPayload'], ParentType, ContextType, RequireFields<MutationRunBacktestArgs, 'input'>>;
  testWebhook?: Resolver<ResolversTypes['WebhookTestPayload'], ParentType, ContextType, RequireFields<MutationTestWebhookArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PerformanceDifferenceResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['PerformanceDifference'] = ResolversParentTypes['PerformanceDifference']> = ResolversObject<{
  averageReturnPct?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  exposure?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  maxDrawdownPct?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  profitFactor?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  sharpeRatio?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  totalReturnPct?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  trades?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  winRate?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
}>;

export type PerformanceSummaryResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['PerformanceSummary'] = ResolversParentTypes['PerformanceSummary']> = ResolversObject<{
  averageReturnPct?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  expired?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  exposure?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  losses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxDrawdownPct?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  open?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  profitFactor?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  roundTripCostPct?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  sharpeRatio?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  stopLosses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  takeProfits?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  totalReturnPct?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  trades?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  winRate?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  wins?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  backtest?: Resolver<Maybe<ResolversTypes['Backtest']>, ParentType, ContextType, RequireFields<QueryBacktestArgs, 'id'>>;
  backtests?: Resolver<Array<ResolversTypes['Backtest']>, ParentType, ContextType, RequireFields<QueryBacktestsArgs, 'first'>>;
  signal?: Resolver<Maybe<ResolversTypes['Signal']>, ParentType, ContextType, RequireFields<QuerySignalArgs, 'id'>>;
  signalStats?: Resolver<Array<ResolversTypes['SignalStatsGroup']>, ParentType, ContextType, RequireFields<QuerySignalStatsArgs, 'groupBy'>>;
  signals?: Resolver<ResolversTypes['SignalConnection'], ParentType, ContextType, RequireFields<QuerySignalsArgs, 'first'>>;
  webhook?: Resolver<Maybe<ResolversTypes['Webhook']>, ParentType, ContextType, RequireFields<QueryWebhookArgs, 'id'>>;
  webhooks?: Resolver<Array<ResolversTypes['Webhook']>, ParentType, ContextType>;
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
  outcome?: Resolver<Maybe<ResolversTypes['SignalOutcome']>, ParentType, ContextType>;
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

export type SignalOutcomeResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['SignalOutcome'] = ResolversParentTypes['SignalOutcome']> = ResolversObject<{
  closedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  exitPrice?: Resolver<Maybe<ResolversTypes['Decimal']>, ParentType, ContextType>;
  returnPct?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OutcomeStatus'], ParentType, ContextType>;
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
  performance?: Resolver<ResolversTypes['StrategyPerformance'], ParentType, ContextType, RequireFields<StrategyPerformanceArgs, 'feeBps' | 'from' | 'slippageBps' | 'to'>>;
  signals?: Resolver<ResolversTypes['SignalConnection'], ParentType, ContextType, RequireFields<StrategySignalsArgs, 'first' | 'shadow'>>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type StrategyPerformanceResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['StrategyPerformance'] = ResolversParentTypes['StrategyPerformance']> = ResolversObject<{
  backtest?: Resolver<ResolversTypes['PerformanceSummary'], ParentType, ContextType>;
  backtestOnly?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  difference?: Resolver<ResolversTypes['PerformanceDifference'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  live?: Resolver<ResolversTypes['PerformanceSummary'], ParentType, ContextType>;
  liveOnly?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  backtestProgress?: SubscriptionResolver<ResolversTypes['Backtest'], "backtestProgress", ParentType, ContextType, RequireFields<SubscriptionBacktestProgressArgs, 'id'>>;
  signals?: SubscriptionResolver<ResolversTypes['Signal'], "signals", ParentType, ContextType, Partial<SubscriptionSignalsArgs>>;
}>;

export type WebhookResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['Webhook'] = ResolversParentTypes['Webhook']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deliveries?: Resolver<ResolversTypes['WebhookDeliveryConnection'], ParentType, ContextType, RequireFields<WebhookDeliveriesArgs, 'first'>>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  filter?: Resolver<ResolversTypes['WebhookFilter'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  paused?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type WebhookAttemptResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookAttempt'] = ResolversParentTypes['WebhookAttempt']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  httpStatus?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type WebhookDeliveryResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookDelivery'] = ResolversParentTypes['WebhookDelivery']> = ResolversObject<{
  attemptCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  attempts?: Resolver<Array<ResolversTypes['WebhookAttempt']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deliveredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  signal?: Resolver<ResolversTypes['Signal'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WebhookDeliveryStatus'], ParentType, ContextType>;
}>;

export type WebhookDeliveryConnectionResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookDeliveryConnection'] = ResolversParentTypes['WebhookDeliveryConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['WebhookDeliveryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type WebhookDeliveryEdgeResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookDeliveryEdge'] = ResolversParentTypes['WebhookDeliveryEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WebhookDelivery'], ParentType, ContextType>;
}>;

export type WebhookDeliveryPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookDeliveryPayload'] = ResolversParentTypes['WebhookDeliveryPayload']> = ResolversObject<{
  delivery?: Resolver<ResolversTypes['WebhookDelivery'], ParentType, ContextType>;
}>;

export type WebhookFilterResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookFilter'] = ResolversParentTypes['WebhookFilter']> = ResolversObject<{
  actions?: Resolver<Maybe<Array<ResolversTypes['SignalAction']>>, ParentType, ContextType>;
  minConfidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  strategyIds?: Resolver<Maybe<Array<ResolversTypes['ID']>>, ParentType, ContextType>;
  symbols?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
}>;

export type WebhookPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookPayload'] = ResolversParentTypes['WebhookPayload']> = ResolversObject<{
  webhook?: Resolver<ResolversTypes['Webhook'], ParentType, ContextType>;
}>;

export type WebhookSecretPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookSecretPayload'] = ResolversParentTypes['WebhookSecretPayload']> = ResolversObject<{
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  webhook?: Resolver<ResolversTypes['Webhook'], ParentType, ContextType>;
}>;

export type WebhookTestPayloadResolvers<ContextType = SignalContext, ParentType extends ResolversParentTypes['WebhookTestPayload'] = ResolversParentTypes['WebhookTestPayload']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  httpStatus?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = SignalContext> = ResolversObject<{
  Backtest?: BacktestResolvers<ContextType>;
  BacktestPayload?: BacktestPayloadResolvers<ContextType>;
  BacktestResult?: BacktestResultResolvers<ContextType>;
  BacktestSignal?: BacktestSignalResolvers<ContextType>;
  BacktestSignalConnection?: BacktestSignalConnectionResolvers<ContextType>;
  BacktestSignalEdge?: BacktestSignalEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  DeleteWebhookPayload?: DeleteWebhookPayloadResolvers<ContextType>;
  ExecutionParams?: ExecutionParamsResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PerformanceDifference?: PerformanceDifferenceResolvers<ContextType>;
  PerformanceSummary?: PerformanceSummaryResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Signal?: SignalResolvers<ContextType>;
  SignalConnection?: SignalConnectionResolvers<ContextType>;
  SignalEdge?: SignalEdgeResolvers<ContextType>;
  SignalExplanation?: SignalExplanationResolvers<ContextType>;
  SignalIndicator?: SignalIndicatorResolvers<ContextType>;
  SignalMetadata?: SignalMetadataResolvers<ContextType>;
  SignalOutcome?: SignalOutcomeResolvers<ContextType>;
  SignalStatsGroup?: SignalStatsGroupResolvers<ContextType>;
  Strategy?: StrategyResolvers<ContextType>;
  StrategyPerformance?: StrategyPerformanceResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Webhook?: WebhookResolvers<ContextType>;
  WebhookAttempt?: WebhookAttemptResolvers<ContextType>;
  WebhookDelivery?: WebhookDeliveryResolvers<ContextType>;
  WebhookDeliveryConnection?: WebhookDeliveryConnectionResolvers<ContextType>;
  WebhookDeliveryEdge?: WebhookDeliveryEdgeResolvers<ContextType>;
  WebhookDeliveryPayload?: WebhookDeliveryPayloadResolvers<ContextType>;
  WebhookFilter?: WebhookFilterResolvers<ContextType>;
  WebhookPayload?: WebhookPayloadResolvers<ContextType>;
  WebhookSecretPayload?: WebhookSecretPayloadResolvers<ContextType>;
  WebhookTestPayload?: WebhookTestPayloadResolvers<ContextType>;
}>;

