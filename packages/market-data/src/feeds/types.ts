import type { Candle, Interval, Trade } from '@alphintra/core';

/**
 * What a provider's connection is doing, as `Query.feeds` shows it:
 * - `CONNECTED`: receiving messages;
 * - `STALE`: connected, but no message within the heartbeat window;
 * - `BACKOFF`: disconnected, waiting before the next reconnect attempt;
 * - `BREAKER_OPEN`: too many consecutive failures; no attempt until the breaker's cool-down ends;
 * - `DISCONNECTED`: not started, or stopped.
 */
export const FEED_STATES = ['CONNECTED', 'STALE', 'BACKOFF', 'BREAKER_OPEN', 'DISCONNECTED'] as const;
export type FeedState = (typeof FEED_STATES)[number];

/** A frame or response a provider could not use, reported once per kind by the caller. */
export interface BadInput {
  /** A short stable kind: `invalid-json`, `unknown-event`, `malformed-trade`, `rest-error`, ... */
  readonly kind: string;
  /** The first 200 characters of what arrived, for the log. */
  readonly sample: string;
}

/** What a live provider tells its owner (the feed manager). */
export interface FeedListener {
  /** Normalized trades in the order the connection delivered them (not checked, not de-duplicated yet). */
  onTrades(trades: readonly Trade[]): void;
  /** The connection state changed. */
  onState(state: FeedState, detail?: string): void;
  /**
   * A connection (re)opened and its subscriptions are in place: trades may have been missed since the last
   * trade seen, so the owner backfills each symbol from its last trade id.
   */
  onConnected(): void;
  /** A frame was not usable; it was skipped. */
  onBadInput(bad: BadInput): void;
}

/** Counters of one provider since it started. */
export interface ProviderStats {
  readonly state: FeedState;
  /** Wall-clock epoch ms of the last message of any kind (trade, pong, subscription answer). */
  readonly lastMessageAt: number | null;
  /** Connections opened after the first one (drops, stalls and planned rotations). */
  readonly reconnects: number;
  /** Arrival time minus exchange time of the last trade, ms (how far behind the provider runs). */
  readonly lagMs: number | null;
}

/** One instrument the exchange lists. */
export interface ListedSymbol {
  /** The platform's symbol (`ETHUSDT`), whatever the exchange calls it. */
  readonly symbol: string;
  /** `TRADING` when it can be traded now; any other exchange status otherwise. */
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
}

/**
 * A source of live trades: one file per provider (Binance, Coinbase), one interface. The provider only speaks the
 * exchange's protocol and normalizes; ordering, gaps, quality checks and failover are the feed manager's.
 */
export interface TradeProvider {
  /** `binance`, `coinbase`: what `Trade.source` and `Candle.source` say. */
  readonly name: string;
  /** Connects (and keeps reconnecting) until `stop`; resolves once the first connection attempt was made. */
  start(listener: FeedListener): Promise<void>;
  /** The symbols to stream from now on (platform symbols); subscribes and unsubscribes the difference. */
  setSymbols(symbols: readonly string[]): void;
  /** Drops the connection and reconnects at once (used when the owner finds the feed stale). */
  reconnect(reason: string): void;
  /** The instruments the exchange lists, by platform symbol. */
  listSymbols(): Promise<ReadonlyMap<string, ListedSymbol>>;
  /**
   * Up to `limit` trades of `symbol` with id >= `fromId`, oldest first, for gap backfill. Rate-limited, retried
   * and circuit-broken inside; rejects when the history cannot be had.
   */
  fetchTradesFrom(symbol: string, fromId: string, limit: number): Promise<Trade[]>;
  /** Closed candles of `symbol` with `openTime` in [startTime, endTime), oldest first, for warm-up. */
  fetchCandles(
    symbol: string,
    interval: Interval,
    startTime: number,
    endTime: number,
    limit: number,
  ): Promise<Candle[]>;
  stats(): ProviderStats;
  stop(): Promise<void>;
}
