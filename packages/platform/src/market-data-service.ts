import { type EventBus, TOPICS } from '@alphintra/bus';
import { type Candle, candleChannel, type Interval, type Trade } from '@alphintra/core';
import { CandleAggregator, CandleStore, type MalformedLine, ReplayFeed } from '@alphintra/market-data';
import type { InstrumentState } from '@alphintra/market-data-subgraph';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { Log } from './log.ts';
import { retryForever, SerialQueue } from './retry.ts';

/** A closed candle as it travels on `market.candles` (JSON, key = symbol). */
export interface CandleMessage extends Omit<Candle, 'closedAt'> {
  /** Wall-clock epoch ms at which the candle closed, for end-to-end latency. */
  readonly closedAtEpochMs: number;
}

/** Turns a candle into its bus message. */
export function toCandleMessage(candle: Candle): CandleMessage {
  const { closedAt, ...rest } = candle;
  return { ...rest, closedAtEpochMs: performance.timeOrigin + (closedAt ?? performance.now()) };
}

/**
 * The market-data service: normalizes replayed trades, aggregates them into candles, keeps recent candles for
 * queries, and publishes each closed candle on the bus (for the engine) and the pub/sub (for subscribers).
 */
export class MarketDataService {
  readonly candles = new CandleStore();
  readonly #instruments = new Map<
    string,
    { lastPrice: string | null; lastTradeAt: number | null; tradeCount: number }
  >();
  readonly #aggregator: CandleAggregator;
  readonly #bus: EventBus;
  readonly #pubsub: PubSubEngine;
  readonly #log: Log;
  readonly #queue = new SerialQueue();
  #feed: ReplayFeed | null = null;
  #stopped = false;
  #malformed = 0;

  constructor(options: {
    symbols: readonly string[];
    intervals: readonly Interval[];
    bus: EventBus;
    pubsub: PubSubEngine;
    log: Log;
  }) {
    for (const symbol of options.symbols)
      this.#instruments.set(symbol, { lastPrice: null, lastTradeAt: null, tradeCount: 0 });
    this.#bus = options.bus;
    this.#pubsub = options.pubsub;
    this.#log = options.log;
    this.#aggregator = new CandleAggregator({ intervals: options.intervals, onCandle: (c) => this.#onCandle(c) });
  }

  /** Instruments with market data, for strategy validation and `Query.instruments`. */
  instruments(): InstrumentState[] {
    return [...this.#instruments].map(([symbol, s]) => ({ symbol, ...s }));
  }

  hasSymbol(symbol: string): boolean {
    return this.#instruments.has(symbol);
  }

  /** Feeds one normalized trade (from any provider). */
  onTrade(trade: Trade): void {
    const state = this.#instruments.get(trade.symbol);
    if (state) {
      state.lastPrice = trade.price;
      state.lastTradeAt = trade.time;
      state.tradeCount++;
    } else {
      this.#instruments.set(trade.symbol, { lastPrice: trade.price, lastTradeAt: trade.time, tradeCount: 1 });
    }
    this.#aggregator.addTrade(trade);
  }

  /** Market time moved on: closes candles whose interval has ended (the timer path). */
  onClock(time: number): void {
    this.#aggregator.advanceTo(time);
  }

  #onCandle(candle: Candle): void {
    this.candles.add(candle);
    const message = toCandleMessage(candle);
    this.#queue.push(async () => {
      if (this.#stopped) return;
      await this.#pubsub.publish(candleChannel(candle.symbol, candle.interval), candle);
      await retryForever(
        `producing candle ${candle.symbol} ${new Date(candle.openTime).toISOString()} to ${TOPICS.candles}`,
        () => this.#bus.produce(TOPICS.candles, [{ key: candle.symbol, value: JSON.stringify(message) }]),
        (m, e) => this.#log.warn(m, e),
        () => this.#stopped,
      );
    });
  }

  /** Replays a recorded trade file; resolves when it ends (never when looping) or on `stop`. */
  replay(options: { file: string; speed: number; loop: boolean; fastForwardUntil?: number }): Promise<void> {
    if (this.#feed) throw new Error('a replay is already running');
    const feed = new ReplayFeed({
      ...options,
      onTrade: (trade) => this.onTrade(trade),
      onClock: (time) => this.onClock(time),
      onMalformed: (bad: MalformedLine) => {
        this.#malformed++;
        this.#log.warn(`${options.file}:${bad.line}: skipped malformed trade (${bad.reason})`);
      },
    });
    this.#feed = feed;
    return feed.start().then(() => {
      if (!this.#stopped) this.#aggregator.flush();
    });
  }

  get stats() {
    return {
      ...this.#aggregator.stats,
      replayedTrades: this.#feed?.stats.trades ?? 0,
      malformedLines: this.#malformed,
      loops: this.#feed?.stats.loops ?? 0,
    };
  }

  /** Waits until every closed candle so far is on the bus. */
  drain(): Promise<void> {
    return this.#queue.drain();
  }

  async stop(): Promise<void> {
    this.#feed?.stop();
    await this.#queue.drain();
    this.#stopped = true;
  }
}
