import type { Identity } from '@alphintra/auth';
import type { CandleStore, Interval } from '@alphintra/core';
import type { Db, InstrumentRecord } from '@alphintra/db';
import type { RequestContext } from '@alphintra/subgraph-kit';
import type DataLoader from 'dataloader';
import type { PubSubEngine } from 'graphql-subscriptions';
import { instrumentLoader, type LastTrade, lastTradeLoader } from './loaders.ts';

/** An instrument as the subgraph resolves it: the stored row (its last trade is read per request). */
export type InstrumentState = InstrumentRecord;

/** What the market-data subgraph needs: everything it shows comes from the database and the pub/sub. */
export interface MarketDataServiceDeps {
  readonly db: Db;
  readonly candles: CandleStore;
  /** The intervals candles are built for. */
  readonly intervals: readonly Interval[];
  /** Where the market-data service publishes each closed candle (channel `candleChannel`). */
  readonly pubsub: PubSubEngine;
  /** Most candles one query returns (default 5,000). */
  readonly maxCandles?: number;
}

/** Per-request context: the caller, the dependencies and request-scoped DataLoaders. */
export interface MarketDataContext extends RequestContext {
  readonly deps: MarketDataServiceDeps;
  readonly instruments: DataLoader<string, InstrumentRecord | undefined>;
  readonly lastTrade: DataLoader<string, LastTrade | null>;
}

export function createContext(deps: MarketDataServiceDeps, identity: Identity): MarketDataContext {
  return { deps, identity, instruments: instrumentLoader(deps.db), lastTrade: lastTradeLoader(deps.db) };
}
