import { type Candle, INTERVALS, type Interval, isInterval, type Trade } from '@alphintra/core';
import { DecimalSum, type ScaledDecimal, toScaled } from './decimal-sum.ts';

/** Options of `CandleAggregator`. */
export interface CandleAggregatorOptions {
  /** Intervals to aggregate, each symbol gets one candle series per interval. Default `['1m']`. */
  readonly intervals?: readonly Interval[];
  /** Receives every closed candle, in close order. */
  readonly onCandle: (candle: Candle) => void;
  /** Wall clock stamped on `closedAt`. Default `performance.now`. */
  readonly now?: () => number;
}

/** Counters of a `CandleAggregator`. */
export interface CandleAggregatorStats {
  /** Trades accepted by at least one interval. */
  readonly trades: number;
  /** Trades dropped by at least one interval because their candle had already closed. */
  readonly lateTrades: number;
  /** Candles closed. */
  readonly candles: number;
}

interface OpenCandle {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: string;
  high: string;
  highNum: number;
  low: string;
  lowNum: number;
  close: string;
  readonly volume: DecimalSum;
  trades: number;
  lastTradeTime: number;
}

interface Series {
  readonly interval: Interval;
  readonly length: number;
  open: OpenCandle | null;
  /** `closeTime` of the last closed candle: trades before it belong to a candle already published. */
  closedUntil: number;
}

/**
 * Builds OHLCV candles from trades, per symbol and interval. A candle closes on the first trade at or after its
 * `closeTime`, or when `advanceTo` moves the clock there; intervals without trades produce no candle.
 * OHLC keep the trades' exact price strings and `volume` is the exact decimal sum of their quantities.
 */
export class CandleAggregator {
  readonly #intervals: readonly Interval[];
  readonly #onCandle: (candle: Candle) => void;
  readonly #now: () => number;
  readonly #series = new Map<string, Series[]>();
  #trades = 0;
  #lateTrades = 0;
  #candles = 0;

  constructor(options: CandleAggregatorOptions) {
    const intervals = options.intervals ?? ['1m'];
    if (intervals.length === 0) throw new RangeError('at least one interval is required');
    for (const interval of intervals) {
      if (!isInterval(interval)) throw new RangeError(`unknown interval: ${interval}`);
    }
    if (new Set(intervals).size !== intervals.length) throw new RangeError('intervals must not repeat');
    this.#intervals = [...intervals];
    this.#onCandle = options.onCandle;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Counters since construction. */
  get stats(): CandleAggregatorStats {
    return { trades: this.#trades, lateTrades: this.#lateTrades, candles: this.#candles };
  }

  /**
   * Adds a trade to its symbol's open candles. A trade at or past an open candle's `closeTime` closes it first;
   * a trade older than the candle that is open (or than the last one closed) is late: counted and dropped.
   */
  addTrade(trade: Trade): void {
    let series = this.#series.get(trade.symbol);
    if (series === undefined) {
      series = this.#intervals.map((interval) => ({
        interval,
        length: INTERVALS[interval],
        open: null,
        closedUntil: Number.NEGATIVE_INFINITY,
      }));
      this.#series.set(trade.symbol, series);
    }
    const time = trade.time;
    // Parsed once per trade, shared by every interval.
    let quantity: ScaledDecimal | null = null;
    let accepted = false;
    let late = false;
    for (const s of series) {
      let candle = s.open;
      if (candle !== null && time >= candle.closeTime) {
        this.#close(trade.symbol, s, candle);
        candle = null;
      }
      if (candle === null ? time < s.closedUntil : time < candle.openTime) {
        late = true;
        continue;
      }
      accepted = true;
      quantity ??= toScaled(trade.quantity);
      if (candle === null) {
        const openTime = time - (((time % s.length) + s.length) % s.length);
        const volume = new DecimalSum();
        volume.add(quantity);
        s.open = {
          openTime,
          closeTime: openTime + s.length,
          open: trade.price,
          high: trade.price,
          highNum: trade.priceNum,
          low: trade.price,
          lowNum: trade.priceNum,
          close: trade.price,
          volume,
          trades: 1,
          lastTradeTime: time,
        };
        continue;
      }
      if (trade.priceNum > candle.highNum) {
        candle.high = trade.price;
        candle.highNum = trade.priceNum;
      }
      if (trade.priceNum < candle.lowNum) {
        candle.low = trade.price;
        candle.lowNum = trade.priceNum;
      }
      candle.close = trade.price;
      candle.volume.add(quantity);
      candle.trades++;
      if (time > candle.lastTradeTime) candle.lastTradeTime = time;
    }
    if (accepted) this.#trades++;
    if (late) this.#lateTrades++;
  }

  /**
   * Closes every open candle whose `closeTime` is at or before `timeMs`: the timer path. Pass the replay's
   * virtual clock, or, live, the wall clock less a grace period for trades still in flight.
   */
  advanceTo(timeMs: number): void {
    for (const [symbol, series] of this.#series) {
      for (const s of series) {
        if (s.open !== null && s.open.closeTime <= timeMs) this.#close(symbol, s, s.open);
      }
    }
  }

  /** Closes every open candle, whatever the time (the end of a replay). */
  flush(): void {
    for (const [symbol, series] of this.#series) {
      for (const s of series) {
        if (s.open !== null) this.#close(symbol, s, s.open);
      }
    }
  }

  #close(symbol: string, s: Series, open: OpenCandle): void {
    // State first, so that a throwing listener leaves the aggregator consistent.
    s.open = null;
    s.closedUntil = open.closeTime;
    this.#candles++;
    this.#onCandle({
      symbol,
      interval: s.interval,
      openTime: open.openTime,
      closeTime: open.closeTime,
      open: open.open,
      high: open.high,
      low: open.low,
      close: open.close,
      volume: open.volume.toString(),
      trades: open.trades,
      lastTradeTime: open.lastTradeTime,
      source: 'replay',
      complete: true,
      closedAt: this.#now(),
    });
  }
}
