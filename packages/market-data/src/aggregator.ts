import { type Candle, INTERVALS, type Interval, isInterval, type Trade } from '@alphintra/core';
import { DecimalSum, toScaled } from './decimal-sum.ts';

const MINUTE = INTERVALS['1m'];
const ALL_INTERVALS = Object.keys(INTERVALS) as Interval[];

/** Options of `CandleAggregator`. */
export interface CandleAggregatorOptions {
  /** Intervals to emit, each symbol gets one candle series per interval. Default: all six of `INTERVALS`. */
  readonly intervals?: readonly Interval[];
  /** Receives every closed candle: a 1m candle first, then the longer ones that closed with it, shortest first. */
  readonly onCandle: (candle: Candle) => void;
  /** Wall clock stamped on `closedAt`. Default `performance.now`. */
  readonly now?: () => number;
}

/** Counters of a `CandleAggregator`. */
export interface CandleAggregatorStats {
  /** Trades aggregated. */
  readonly trades: number;
  /** Trades dropped because their minute had already closed. */
  readonly lateTrades: number;
  /** Candles emitted, all intervals. */
  readonly candles: number;
  /** Candles emitted per interval (0 for an interval not asked for). */
  readonly candlesByInterval: Readonly<Record<Interval, number>>;
  /** Candles given to `addCandle` for a minute already closed or open, dropped. */
  readonly lateCandles: number;
}

/** The 1m candle a symbol is building from trades; one object per symbol, reused minute after minute. */
interface Minute {
  openTime: number;
  closeTime: number;
  open: string;
  openAt: number;
  openId: string;
  high: string;
  highNum: number;
  low: string;
  lowNum: number;
  close: string;
  closeAt: number;
  closeId: string;
  volume: DecimalSum;
  trades: number;
  /** Providers in order of first appearance, comma separated. */
  source: string;
  /** The last trade's provider: a failover check that costs one comparison per trade. */
  lastSource: string;
  complete: boolean;
}

/** A longer interval's window being rolled up from closed 1m candles. */
interface Rollup {
  readonly interval: Interval;
  readonly length: number;
  /** `NaN` while no window is open. */
  openTime: number;
  closeTime: number;
  /** Windows before this time were emitted (`flush` emits partial ones): later 1m candles skip them. */
  closedUntil: number;
  /** The first child with trades' open; `null` while every child so far was empty. */
  open: string | null;
  high: string;
  highNum: number;
  low: string;
  lowNum: number;
  close: string;
  volume: DecimalSum;
  trades: number;
  lastTradeTime: number;
  complete: boolean;
  source: string;
}

interface SymbolState {
  readonly symbol: string;
  readonly minute: Minute;
  /** Whether `minute` holds an open candle; if so its `openTime` equals `closedUntil`. */
  open: boolean;
  /** 1m candles ending at or before this time are closed: a trade before it is late. */
  closedUntil: number;
  /** The previous 1m candle's close, `null` before the symbol's first: an empty minute repeats it. */
  prevClose: string | null;
  prevLastTradeTime: number;
  prevSource: string;
  /** `[from, to)` pairs from `markIncomplete` that may still touch a minute not yet emitted. */
  gaps: number[];
  readonly rollups: Rollup[];
}

function floorTo(time: number, length: number): number {
  return time - (((time % length) + length) % length);
}

/** Trade ids are decimal integer strings: a shorter one is smaller, equal lengths compare as text. */
function idBefore(a: string, b: string): boolean {
  return a.length === b.length ? a < b : a.length < b.length;
}

/** `sources` with every provider of `more` not already in it appended, in order. */
function unionSources(sources: string, more: string): string {
  if (sources === '') return more;
  const have = sources.split(',');
  for (const source of more.split(',')) {
    if (!have.includes(source)) have.push(source);
  }
  return have.join(',');
}

/**
 * Builds OHLCV candles per symbol: 1m candles from trades, longer intervals (5m, 15m, 1h, 4h, 1d, UTC
 * epoch-aligned) rolled up from the closed 1m candles, each closing with the 1m candle that ends at its boundary.
 *
 * A 1m candle's open and close are its earliest and latest trades by (trade time, trade id), whatever order they
 * arrived in; high and low keep the exchange's strings and volume is the exact decimal sum. A minute without a
 * trade between two known ones is emitted as an empty candle (`trades: 0`, flat at the previous close) once a
 * later trade or `advanceTo` shows it ended; a symbol with no trade yet has no empty minutes. Pure: no I/O and
 * no clock but `now`, which only stamps `closedAt`. Per trade only the symbol's 1m candle is touched.
 */
export class CandleAggregator {
  readonly #emit1m: boolean;
  readonly #rollupIntervals: readonly Interval[];
  readonly #onCandle: (candle: Candle) => void;
  readonly #now: () => number;
  readonly #symbols = new Map<string, SymbolState>();
  readonly #byInterval: Record<Interval, number> = { '1m': 0, '5m': 0, '15m': 0, '1h': 0, '4h': 0, '1d': 0 };
  #trades = 0;
  #lateTrades = 0;
  #candles = 0;
  #lateCandles = 0;

  constructor(options: CandleAggregatorOptions) {
    const intervals = options.intervals ?? ALL_INTERVALS;
    if (intervals.length === 0) throw new RangeError('at least one interval is required');
    for (const interval of intervals) {
      if (!isInterval(interval)) throw new RangeError(`unknown interval: ${interval}`);
    }
    if (new Set(intervals).size !== intervals.length) throw new RangeError('intervals must not repeat');
    this.#emit1m = intervals.includes('1m');
    this.#rollupIntervals = ALL_INTERVALS.filter((i) => i !== '1m' && intervals.includes(i));
    this.#onCandle = options.onCandle;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Counters since construction. */
  get stats(): CandleAggregatorStats {
    return {
      trades: this.#trades,
      lateTrades: this.#lateTrades,
      candles: this.#candles,
      candlesByInterval: { ...this.#byInterval },
      lateCandles: this.#lateCandles,
    };
  }

  /**
   * Adds a trade to its symbol's 1m candle. A trade in a later minute closes the open one first (and emits the
   * empty minutes in between); a trade in a minute already closed is late: counted and dropped.
   */
  addTrade(trade: Trade): void {
    const s = this.#symbols.get(trade.symbol) ?? this.#newSymbol(trade.symbol);
    const time = trade.time;
    if (time < s.closedUntil) {
      this.#lateTrades++;
      return;
    }
    const m = s.minute;
    if (s.open && time >= m.closeTime) this.#closeMinute(s);
    this.#trades++;
    if (!s.open) {
      this.#openMinute(s, trade);
      return;
    }
    const price = trade.price;
    const priceNum = trade.priceNum;
    if (priceNum > m.highNum) {
      m.high = price;
      m.highNum = priceNum;
    }
    if (priceNum < m.lowNum) {
      m.low = price;
      m.lowNum = priceNum;
    }
    // By trade time then id, not by arrival: a late-arriving older trade is neither the close nor ignored.
    if (time < m.openAt || (time === m.openAt && idBefore(trade.tradeId, m.openId))) {
      m.open = price;
      m.openAt = time;
      m.openId = trade.tradeId;
    }
    if (time > m.closeAt || (time === m.closeAt && !idBefore(trade.tradeId, m.closeId))) {
      m.close = price;
      m.closeAt = time;
      m.closeId = trade.tradeId;
    }
    m.volume.add(toScaled(trade.quantity));
    m.trades++;
    if (trade.source !== m.lastSource) {
      m.lastSource = trade.source;
      m.source = unionSources(m.source, trade.source);
    }
  }

  /**
   * Feeds a closed 1m candle (a kline replay, a REST warm-up) as if it had been built here: emitted, rolled up,
   * with the empty minutes since the symbol's previous candle emitted first. A candle for a minute already
   * closed or open is late: counted (`lateCandles`) and dropped. Its `complete` is kept, and cleared when a
   * `markIncomplete` range touches it.
   */
  addCandle(candle: Candle): void {
    if (candle.interval !== '1m') throw new RangeError(`addCandle takes 1m candles, got ${candle.interval}`);
    if (candle.openTime % MINUTE !== 0 || candle.closeTime !== candle.openTime + MINUTE) {
      throw new RangeError(`not a 1m candle on a minute boundary: ${candle.openTime}..${candle.closeTime}`);
    }
    const s = this.#symbols.get(candle.symbol) ?? this.#newSymbol(candle.symbol);
    if (candle.openTime < s.closedUntil || (s.open && candle.openTime < s.minute.closeTime)) {
      this.#lateCandles++;
      return;
    }
    if (s.open) this.#closeMinute(s);
    this.#fillEmpty(s, candle.openTime);
    const complete = candle.complete && !this.#inGap(s, candle.openTime);
    s.closedUntil = candle.closeTime;
    s.prevClose = candle.close;
    s.prevLastTradeTime = candle.lastTradeTime;
    s.prevSource = candle.source;
    this.#closed1m(s, { ...candle, complete, closedAt: this.#now() });
  }

  /**
   * Closes every candle (of `symbol`, or of every symbol) whose `closeTime` is at or before `timeMs`, emitting
   * the empty minutes up to `timeMs`: the caller vouches that no trade before `timeMs` is still to come (the
   * replay clock; live, the feed manager's watermark).
   */
  advanceTo(timeMs: number, symbol?: string): void {
    if (symbol !== undefined) {
      const s = this.#symbols.get(symbol);
      if (s !== undefined) this.#advance(s, timeMs);
      return;
    }
    for (const s of this.#symbols.values()) this.#advance(s, timeMs);
  }

  /**
   * Closes everything open, partial longer-interval windows included: the end of a replay. A window emitted
   * partial here is not emitted again; minutes that arrive later for it are not rolled up into it.
   */
  flush(): void {
    for (const s of this.#symbols.values()) {
      if (s.open) this.#closeMinute(s);
      for (const r of s.rollups) {
        if (!Number.isNaN(r.openTime)) this.#closeRollup(s, r);
      }
    }
  }

  /**
   * Marks the 1m candles of `symbol` overlapping `[fromMs, toMs)` that are open or not emitted yet as
   * incomplete: a feed gap touched them and the missing trades could not be had. Empty minutes inside the range
   * are emitted with `complete: false` too. Candles already emitted are not changed.
   */
  markIncomplete(symbol: string, fromMs: number, toMs: number): void {
    if (!(toMs > fromMs)) throw new RangeError(`empty range: [${fromMs}, ${toMs})`);
    const s = this.#symbols.get(symbol) ?? this.#newSymbol(symbol);
    if (toMs <= s.closedUntil) return;
    const m = s.minute;
    if (s.open && fromMs < m.closeTime && toMs > m.openTime) m.complete = false;
    s.gaps.push(fromMs, toMs);
  }

  #newSymbol(symbol: string): SymbolState {
    const state: SymbolState = {
      symbol,
      minute: {
        openTime: 0,
        closeTime: 0,
        open: '',
        openAt: 0,
        openId: '',
        high: '',
        highNum: 0,
        low: '',
        lowNum: 0,
        close: '',
        closeAt: 0,
        closeId: '',
        volume: new DecimalSum(),
        trades: 0,
        source: '',
        lastSource: '',
        complete: true,
      },
      open: false,
      closedUntil: Number.NEGATIVE_INFINITY,
      prevClose: null,
      prevLastTradeTime: 0,
      prevSource: '',
      gaps: [],
      rollups: this.#rollupIntervals.map((interval) => ({
        interval,
        length: INTERVALS[interval],
        openTime: Number.NaN,
        closeTime: Number.NaN,
        closedUntil: Number.NEGATIVE_INFINITY,
        open: null,
        high: '',
        highNum: 0,
        low: '',
        lowNum: 0,
        close: '',
        volume: new DecimalSum(),
        trades: 0,
        lastTradeTime: Number.NEGATIVE_INFINITY,
        complete: true,
        source: '',
      })),
    };
    this.#symbols.set(symbol, state);
    return state;
  }

  #openMinute(s: SymbolState, trade: Trade): void {
    const openTime = floorTo(trade.time, MINUTE);
    this.#fillEmpty(s, openTime);
    s.closedUntil = openTime;
    s.open = true;
    const m = s.minute;
    m.openTime = openTime;
    m.closeTime = openTime + MINUTE;
    m.open = m.high = m.low = m.close = trade.price;
    m.highNum = m.lowNum = trade.priceNum;
    m.openAt = m.closeAt = trade.time;
    m.openId = m.closeId = trade.tradeId;
    m.volume = new DecimalSum();
    m.volume.add(toScaled(trade.quantity));
    m.trades = 1;
    m.source = m.lastSource = trade.source;
    m.complete = !this.#inGap(s, openTime);
  }

  #closeMinute(s: SymbolState): void {
    const m = s.minute;
    // State first, so that a throwing listener leaves the aggregator consistent.
    s.open = false;
    s.closedUntil = m.closeTime;
    s.prevClose = m.close;
    s.prevLastTradeTime = m.closeAt;
    s.prevSource = m.source;
    this.#closed1m(s, {
      symbol: s.symbol,
      interval: '1m',
      openTime: m.openTime,
      closeTime: m.closeTime,
      open: m.open,
      high: m.high,
      low: m.low,
      close: m.close,
      volume: m.volume.toString(),
      trades: m.trades,
      source: m.source,
      complete: m.complete,
      lastTradeTime: m.closeAt,
      closedAt: this.#now(),
    });
  }

  #advance(s: SymbolState, timeMs: number): void {
    if (s.open) {
      if (s.minute.closeTime > timeMs) return;
      this.#closeMinute(s);
    }
    this.#fillEmpty(s, floorTo(timeMs, MINUTE));
  }

  /** Emits the empty minutes from `closedUntil` up to `until`, if the symbol has a previous close to repeat. */
  #fillEmpty(s: SymbolState, until: number): void {
    const close = s.prevClose;
    if (close === null) return;
    while (s.closedUntil < until) {
      const openTime = s.closedUntil;
      s.closedUntil = openTime + MINUTE;
      this.#closed1m(s, {
        symbol: s.symbol,
        interval: '1m',
        openTime,
        closeTime: openTime + MINUTE,
        open: close,
        high: close,
        low: close,
        close,
        volume: '0',
        trades: 0,
        source: s.prevSource,
        complete: !this.#inGap(s, openTime),
        lastTradeTime: s.prevLastTradeTime,
        closedAt: this.#now(),
      });
    }
  }

  /** Whether a `markIncomplete` range overlaps the minute at `openTime`; forgets ranges that have passed. */
  #inGap(s: SymbolState, openTime: number): boolean {
    const gaps = s.gaps;
    if (gaps.length === 0) return false;
    let hit = false;
    let kept = 0;
    for (let i = 0; i < gaps.length; i += 2) {
      const from = gaps[i] as number;
      const to = gaps[i + 1] as number;
      if (from < openTime + MINUTE && to > openTime) hit = true;
      if (to > openTime + MINUTE) {
        gaps[kept++] = from;
        gaps[kept++] = to;
      }
    }
    gaps.length = kept;
    return hit;
  }

  /** Emits a closed 1m candle (if asked for) and rolls it up into the longer intervals. */
  #closed1m(s: SymbolState, candle: Candle): void {
    if (this.#emit1m) this.#emitCandle(candle);
    for (const r of s.rollups) {
      if (candle.openTime < r.closedUntil) continue;
      if (Number.isNaN(r.openTime)) {
        r.openTime = floorTo(candle.openTime, r.length);
        r.closeTime = r.openTime + r.length;
      }
      if (candle.trades > 0) {
        const highNum = Number(candle.high);
        const lowNum = Number(candle.low);
        if (r.open === null) {
          r.open = candle.open;
          r.high = candle.high;
          r.highNum = highNum;
          r.low = candle.low;
          r.lowNum = lowNum;
        } else {
          if (highNum > r.highNum) {
            r.high = candle.high;
            r.highNum = highNum;
          }
          if (lowNum < r.lowNum) {
            r.low = candle.low;
            r.lowNum = lowNum;
          }
        }
        r.volume.add(toScaled(candle.volume));
        r.trades += candle.trades;
      }
      r.close = candle.close;
      if (candle.lastTradeTime > r.lastTradeTime) r.lastTradeTime = candle.lastTradeTime;
      if (!candle.complete) r.complete = false;
      if (candle.source !== r.source) r.source = unionSources(r.source, candle.source);
      if (candle.closeTime >= r.closeTime) this.#closeRollup(s, r);
    }
  }

  #closeRollup(s: SymbolState, r: Rollup): void {
    // A window of empty minutes only is flat at the previous close, which every child repeats.
    const open = r.open ?? r.close;
    const candle: Candle = {
      symbol: s.symbol,
      interval: r.interval,
      openTime: r.openTime,
      closeTime: r.closeTime,
      open,
      high: r.open === null ? open : r.high,
      low: r.open === null ? open : r.low,
      close: r.close,
      volume: r.volume.toString(),
      trades: r.trades,
      source: r.source,
      complete: r.complete,
      lastTradeTime: r.lastTradeTime,
      closedAt: this.#now(),
    };
    r.closedUntil = r.closeTime;
    r.openTime = Number.NaN;
    r.closeTime = Number.NaN;
    r.open = null;
    r.volume = new DecimalSum();
    r.trades = 0;
    r.lastTradeTime = Number.NEGATIVE_INFINITY;
    r.complete = true;
    r.source = '';
    this.#emitCandle(candle);
  }

  #emitCandle(candle: Candle): void {
    this.#candles++;
    this.#byInterval[candle.interval]++;
    this.#onCandle(candle);
  }
}
