import type { Candle, Interval } from './market.ts';

/** A selection of `CandleStore.query`. */
export interface CandleQuery {
  readonly symbol: string;
  readonly interval: Interval;
  /** Inclusive lower bound on `openTime` (ms). */
  readonly from?: number;
  /** Exclusive upper bound on `openTime` (ms). */
  readonly to?: number;
  /** Keep only the newest `last` candles of the selection. */
  readonly last?: number;
}

/** One series of `CandleStore.since`: its candles from `from` (inclusive, ms). */
export interface CandleSeriesFrom {
  readonly symbol: string;
  readonly interval: Interval;
  readonly from: number;
}

/**
 * Where closed candles are kept: the source of truth for candle history (queries, engine warm-up, restarts).
 * One interface, two implementations: in memory (tests, benchmarks) and Drizzle (PGlite or PostgreSQL).
 */
export interface CandleStore {
  /**
   * Stores closed candles idempotently: one whose (symbol, interval, openTime) is stored already is left as it
   * is. Resolves with the candles that were new, in the order given.
   */
  put(candles: readonly Candle[]): Promise<Candle[]>;
  /** Candles of one series with `from <= openTime < to`, ascending by `openTime`; `last` keeps the newest N. */
  query(query: CandleQuery): Promise<Candle[]>;
  /**
   * The candles of several series, each from its own `from` on, in one read: the series in the order given, each
   * ascending by `openTime` (what `query({ symbol, interval, from })` of each, one after the other, gives).
   */
  since(series: readonly CandleSeriesFrom[]): Promise<Candle[]>;
  /** The newest stored candle of a series, or null. */
  latest(symbol: string, interval: Interval): Promise<Candle | null>;
  /** Deletes the candles of `interval` whose `openTime` is before `before`; resolves with how many. */
  prune(interval: Interval, before: number): Promise<number>;
}
