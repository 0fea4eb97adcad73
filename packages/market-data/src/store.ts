import type { Candle, Interval } from '@alphintra/core';

/** Options of `CandleStore`. */
export interface CandleStoreOptions {
  /** Closed candles kept per (symbol, interval); older ones are evicted. Default 5,000. */
  readonly capacity?: number;
}

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

/** Fixed-capacity ring of candles in ascending `openTime`. */
class CandleRing {
  readonly #capacity: number;
  readonly #items: Candle[] = [];
  #start = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  at(index: number): Candle {
    const items = this.#items;
    return items[(this.#start + index) % items.length] as Candle;
  }

  push(candle: Candle): void {
    if (this.#items.length < this.#capacity) {
      this.#items.push(candle);
    } else {
      this.#items[this.#start] = candle;
      this.#start = (this.#start + 1) % this.#capacity;
    }
  }

  /** Index of the first candle whose `openTime` is >= `time`. */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).openTime < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** In-memory history of closed candles: the newest N per (symbol, interval), queried by time range. */
export class CandleStore {
  readonly #capacity: number;
  readonly #rings = new Map<string, Map<Interval, CandleRing>>();

  constructor(options: CandleStoreOptions = {}) {
    const capacity = options.capacity ?? 5_000;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`invalid capacity: ${capacity}`);
    this.#capacity = capacity;
  }

  /**
   * Stores a closed candle. Returns false, storing nothing, for a candle not newer than the newest one of its
   * series: a redelivered or out-of-order candle must not break the ascending order.
   */
  add(candle: Candle): boolean {
    let bySymbol = this.#rings.get(candle.symbol);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.#rings.set(candle.symbol, bySymbol);
    }
    let ring = bySymbol.get(candle.interval);
    if (ring === undefined) {
      ring = new CandleRing(this.#capacity);
      bySymbol.set(candle.interval, ring);
    }
    if (ring.size > 0 && candle.openTime <= ring.at(ring.size - 1).openTime) return false;
    ring.push(candle);
    return true;
  }

  /** Candles of one series with `from <= openTime < to`, ascending by `openTime`; `last` keeps the newest N. */
  query(query: CandleQuery): Candle[] {
    const { last } = query;
    if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) {
      throw new RangeError(`last must be a non-negative integer, got ${last}`);
    }
    const ring = this.#rings.get(query.symbol)?.get(query.interval);
    if (ring === undefined) return [];
    let begin = query.from === undefined ? 0 : ring.lowerBound(query.from);
    const end = query.to === undefined ? ring.size : ring.lowerBound(query.to);
    if (last !== undefined) begin = Math.max(begin, end - last);
    const result: Candle[] = [];
    for (let i = begin; i < end; i++) result.push(ring.at(i));
    return result;
  }

  /** Symbols with at least one stored candle, sorted. */
  symbols(): string[] {
    return [...this.#rings.keys()].sort();
  }
}
