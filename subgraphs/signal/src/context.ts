import type { Identity } from '@alphintra/auth';
import type { Interval, Signal } from '@alphintra/core';
import {
  type BacktestRecord,
  type Db,
  getBacktests,
  getOutcomes,
  getSignals,
  listStrategySignals,
  type OutcomeRecord,
  type Page,
  type StrategyAccess,
  signalSeqs,
  strategyAccess,
} from '@alphintra/db';
import type { PerformanceComparison } from '@alphintra/engine';
import { forbidden, mayChange, mayRead, type RequestContext, readerOf, userError } from '@alphintra/subgraph-kit';
import type { WebhookSettings } from '@alphintra/webhooks';
import DataLoader from 'dataloader';
import type { PubSubEngine } from 'graphql-subscriptions';

/** What the signal subgraph needs from the platform. */
export interface SignalServiceDeps {
  readonly db: Db;
  /** Where the distributor publishes each new signal (in-process or Redis). */
  readonly pubsub: PubSubEngine;
  /** Webhook settings (URL checks, the test event's timeout, the rotation grace); defaults when absent. */
  readonly webhooks?: Partial<WebhookSettings>;
  /** Called when a webhook delivery became due (a replay, a resume), so an in-process dispatcher looks at once. */
  readonly onWebhookDue?: () => void;
  /** Bounds of backtests and `Strategy.performance`; the defaults when absent. */
  readonly backtests?: Partial<BacktestLimits>;
  /** Intervals the platform builds candles of (a draft document must run on one); any when absent. */
  readonly intervals?: readonly Interval[];
  /** Called when a backtest was queued, so an in-process runner takes it at once. */
  readonly onBacktestQueued?: () => void;
}

/** What a user may ask of backtests (`BACKTEST_MAX_ACTIVE`, `BACKTEST_MAX_CANDLES`). */
export interface BacktestLimits {
  /** QUEUED + RUNNING jobs per user. */
  readonly maxActivePerUser: number;
  /** Symbols x candles of the period, per backtest and per `Strategy.performance`. */
  readonly maxCandles: number;
}

export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = { maxActivePerUser: 3, maxCandles: 1_000_000 };

/** The limits in force. */
export function backtestLimits(deps: SignalServiceDeps): BacktestLimits {
  return { ...DEFAULT_BACKTEST_LIMITS, ...deps.backtests };
}

/** `Strategy.performance` as its resolvers see it. */
export interface StrategyPerformanceModel extends PerformanceComparison {
  readonly version: number;
  readonly from: number;
  readonly to: number;
}

/** A `Strategy` as this subgraph knows it: its key, plus what a signal carries of it (`@provides`). */
export interface StrategyRef {
  readonly id: string;
  readonly name?: string;
  readonly version?: number;
}

/** The arguments of one `Strategy.signals` selection: strategies asked with equal arguments share one query. */
export interface StrategySignalsArgs {
  readonly first: number;
  readonly after: string | null;
  readonly shadow: boolean;
}

/** Per-request context: the caller, the dependencies and request-scoped DataLoaders. */
export interface SignalContext extends RequestContext {
  readonly deps: SignalServiceDeps;
  /** Owner and visibility of strategies, to tell whether the caller may read their signals. */
  readonly accessLoader: DataLoader<string, StrategyAccess | undefined>;
  readonly signalLoader: DataLoader<string, Signal | undefined>;
  readonly backtestLoader: DataLoader<string, BacktestRecord | undefined>;
  /** Delivery sequences by signal id, for `Signal.sequence` of signals read without one. */
  readonly seqLoader: DataLoader<string, number | undefined>;
  /** Stored outcomes by signal id, for `Signal.outcome` (every signal of a request in one query). */
  readonly outcomeLoader: DataLoader<string, OutcomeRecord | undefined>;
  /** A page of a strategy's signals, by strategy id; one loader (and one query per tick) per distinct arguments. */
  strategySignalsLoader(args: StrategySignalsArgs): DataLoader<string, Page<Signal>>;
}

export function createContext(deps: SignalServiceDeps, identity: Identity): SignalContext {
  const strategySignalLoaders = new Map<string, DataLoader<string, Page<Signal>>>();
  const readableBy = readerOf(identity);
  return {
    deps,
    identity,
    accessLoader: new DataLoader((ids) => strategyAccess(deps.db, ids)),
    signalLoader: new DataLoader((ids) => getSignals(deps.db, ids)),
    backtestLoader: new DataLoader((ids) => getBacktests(deps.db, ids), { cache: false }),
    seqLoader: new DataLoader((ids) => signalSeqs(deps.db, ids)),
    outcomeLoader: new DataLoader((ids) => getOutcomes(deps.db, ids)),
    strategySignalsLoader(args) {
      const key = JSON.stringify([args.first, args.after, args.shadow]);
      let loader = strategySignalLoaders.get(key);
      if (!loader) {
        loader = new DataLoader((ids) => listStrategySignals(deps.db, ids, { ...args, readableBy }));
        strategySignalLoaders.set(key, loader);
      }
      return loader;
    },
  };
}

/** The signal when the caller may read its strategy; FORBIDDEN when it is another user's private strategy's. */
export async function readableSignal(ctx: SignalContext, signal: Signal | undefined): Promise<Signal | null> {
  if (!signal) return null;
  const access = await ctx.accessLoader.load(signal.strategyId);
  if (access && !mayRead(ctx.identity, access)) {
    throw forbidden(`signal ${signal.id} belongs to a private strategy of another user`);
  }
  return signal;
}

/**
 * A backtest job when the caller may see it (its owner or an admin): NOT_FOUND for an unknown id, FORBIDDEN for
 * another user's job. `field` is the argument that named it.
 */
export async function ownBacktest(ctx: SignalContext, id: string, field: string): Promise<BacktestRecord> {
  const job = await ctx.backtestLoader.load(id);
  if (job === undefined) throw userError('NOT_FOUND', `no backtest ${id}`, field);
  if (!mayChange(ctx.identity, job.owner)) throw forbidden(`backtest ${id} belongs to another user`);
  return job;
}
