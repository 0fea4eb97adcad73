import type { Candle, CandleQuery, CandleSeriesFrom, CandleStore, Interval } from '@alphintra/core';
import type { Db } from './client.ts';
import { candlesSince, insertCandles, latestCandle, pruneCandles, queryCandles } from './queries/market.ts';

/** The candle store over the database (PGlite or PostgreSQL): the platform's source of truth for candles. */
export class DrizzleCandleStore implements CandleStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  put(candles: readonly Candle[]): Promise<Candle[]> {
    return insertCandles(this.#db, candles);
  }

  query(query: CandleQuery): Promise<Candle[]> {
    return queryCandles(this.#db, query);
  }

  since(series: readonly CandleSeriesFrom[]): Promise<Candle[]> {
    return candlesSince(this.#db, series);
  }

  latest(symbol: string, interval: Interval): Promise<Candle | null> {
    return latestCandle(this.#db, symbol, interval);
  }

  prune(interval: Interval, before: number): Promise<number> {
    return pruneCandles(this.#db, interval, before);
  }
}
