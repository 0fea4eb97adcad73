import type { Identity } from '@alphintra/auth';
import type { Signal } from '@alphintra/core';
import {
  type Db,
  getOutcomes,
  getSignals,
  listStrategySignals,
  type OutcomeRecord,
  type Page,
  type StrategyAccess,
  signalSeqs,
  strategyAccess,
} from '@alphintra/db';
import { forbidden, mayRead, type RequestContext, readerOf } from '@alphintra/subgraph-kit';
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
