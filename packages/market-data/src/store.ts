import type { Candle, CandleQuery, CandleSeriesFrom, CandleStore, Interval } from '@alphintra/core';

/** Options of `MemoryCandleStore`. */
export interface MemoryCandleStoreOptions {
  /** Candles kept per (symbol, interval); the oldest are evicted beyond it. Unbounded when absent. */
  readonly capacity?: number;
}

/** Index of the first candle of `series` (ascending) whose `openTime` is >= `time`. */
function lowerBound(series: readonly Candle[], time: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[mid] as Candle).openTime < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Candles in memory, with the semantics of the database store: idempotent by (symbol, interval, openTime),
 * out-of-order candles kept in order. For tests and benchmarks; the platform keeps candles in the database.
 */
export class MemoryCandleStore implements CandleStore {
  readonly #capacity: number;
  readonly #series = new Map<string, Candle[]>();

  constructor(options: MemoryCandleStoreOptions = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (capacity !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(capacity) || capacity < 1)) {
      throw new RangeError(`invalid capacity: ${capacity}`);
    }
    this.#capacity = capacity;
  }

  #get(symbol: string, interval: string): Candle[] | undefined {
    return this.#series.get(`${symbol}\u0000${interval}`);
  }

  async put(candles: readonly Candle[]): Promise<Candle[]> {
    const fresh: Candle[] = [];
    for (const candle of candles) {
      const key = `${candle.symbol}\u0000${candle.interval}`;
      let series = this.#series.get(key);
      if (series === undefined) {
        series = [];
        this.#series.set(key, series);
      }
      const at = lowerBound(series, candle.openTime);
      if (series[at]?.openTime === candle.openTime) continue;
      // Below a full series' oldest candle: it would be evicted at once, as if stored and pruned.
      if (at === 0 && series.length >= this.#capacity) continue;
      series.splice(at, 0, candle);
      if (series.length > this.#capacity) series.shift();
      fresh.push(candle);
    }
    return fresh;
  }

  async query(query: CandleQuery): Promise<Candle[]> {
    const { last } = query;
    if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) {
      throw new RangeError(`last must be a non-negative integer, got ${last}`);
    }
    const series = this.#get(query.symbol, query.interval);
    if (series === undefined) return [];
    let begin = query.from === undefined ? 0 : lowerBound(series, query.from);
    const end = query.to === undefined ? series.length : lowerBound(series, query.to);
    if (last !== undefined) begin = Math.max(begin, end - last);
    return series.slice(begin, Math.max(begin, end));
  }

  async since(series: readonly CandleSeriesFrom[]): Promise<Candle[]> {
    const found: Candle[] = [];
    for (const { symbol, interval, from } of series) found.push(...(await this.query({ symbol, interval, from })));
    return found;
  }

  async latest(symbol: string, interval: Interval): Promise<Candle | null> {
    return this.#get(symbol, interval)?.at(-1) ?? null;
  }

  async prune(interval: Interval, before: number): Promise<number> {
    let pruned = 0;
    for (const series of this.#series.values()) {
      if (series[0]?.interval !== interval) continue;
      const end = lowerBound(series, before);
      series.splice(0, end);
      pruned += end;
    }
    return pruned;
  }
}
