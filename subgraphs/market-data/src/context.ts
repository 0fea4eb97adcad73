import type { Interval } from '@alphintra/core';
import type { CandleStore } from '@alphintra/market-data';
import type { PubSubEngine } from 'graphql-subscriptions';

/** What the platform knows of an instrument from its market data. */
export interface InstrumentState {
  readonly symbol: string;
  readonly lastPrice: string | null;
  readonly lastTradeAt: number | null;
  readonly tradeCount: number;
}

/** What the market-data subgraph needs from the platform. */
export interface MarketDataServiceDeps {
  readonly candles: CandleStore;
  readonly instruments: () => readonly InstrumentState[];
  readonly intervals: readonly Interval[];
  /** Where the market-data service publishes each closed candle (channel `candleChannel`). */
  readonly pubsub: PubSubEngine;
}

export interface MarketDataContext {
  readonly deps: MarketDataServiceDeps;
}
