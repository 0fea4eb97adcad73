import type { Signal } from '@alphintra/core';
import { type Db, getSignals } from '@alphintra/db';
import DataLoader from 'dataloader';
import type { PubSubEngine } from 'graphql-subscriptions';

/** What the signal subgraph needs from the platform. */
export interface SignalServiceDeps {
  readonly db: Db;
  /** Where the distributor publishes each new signal (in-process or Redis). */
  readonly pubsub: PubSubEngine;
}

/** Per-request context: the dependencies and request-scoped DataLoaders. */
export interface SignalContext {
  readonly deps: SignalServiceDeps;
  readonly signalLoader: DataLoader<string, Signal | undefined>;
}

export function createContext(deps: SignalServiceDeps): SignalContext {
  return { deps, signalLoader: new DataLoader((ids) => getSignals(deps.db, ids)) };
}
