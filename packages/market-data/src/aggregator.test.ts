import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Candle, INTERVALS, type Interval, type Trade } from '@alphintra/core';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { CandleAggregator } from './aggregator.ts';
import { BUNDLED_TRADES } from './fixtures.ts';
import { parseBinanceTrade } from './trade.ts';

type Plain = Omit<Candle, 'closedAt'>;
const ALL = Object.keys(INTERVALS) as Interval[];
const MINUTE = 60_000;

const xrpeth: Trade[] = readFileSync(BUNDLED_TRADES, 'utf8').trim().split('\n').map(parseBinanceTrade);

/** The ETHUSDT CSV read here with its own few lines of parsing, independent of the replay reader. */
function readEthUsdt(): Trade[] {
  const path = fileURLToPath(new URL('../../../fixtures/market/trades-ETHUSDT-2023-02-02.csv', import.meta.url));
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows.map((row) => {
    const cells = row.split(',');
    const cell = (name: string) => cells[at(name)] as string;
    return {
      source: 'replay',
      symbol: 'ETHUSDT',
      tradeId: cell('id'),
      time: Number(cell('timestamp')),
      price: cell('price'),
      quantity: cell('amount'),
      priceNum: Number(cell('price')),
      quantityNum: Number(cell('amount')),
      takerSide: cell('side') === 'buy' ? 'BUY' : 'SELL',
    };
  });
}
const ethusdt = readEthUsdt();

function trade(time: number, price: string, quantity = '1', extra: Partial<Trade> = {}): Trade {
  return {
    source: 'binance',
    symbol: 'A',
    tradeId: String(time),
    time,
    price,
    quantity,
    priceNum: Number(price),
    quantityNum: Number(quantity),
    takerSide: 'BUY',
    ...extra,
  };
}

function collect(intervals?: Interval[]) {
  const candles: Candle[] = [];
  let clock = 0;
  const aggregator = new CandleAggregator({
    ...(intervals ? { intervals } : {}),
    onCandle: (c) => candles.push(c),
    now: () => ++clock,
  });
  const of = (interval: Interval) => candles.filter((c) => c.interval === interval).map(plain);
  return { aggregator, candles, of };
}

function plain({ closedAt: _closedAt, ...candle }: Candle): Plain {
  return candle;
}

/** Earlier by (time, numeric id). */
function earlier(a: Trade, b: Trade): boolean {
  return a.time !== b.time ? a.time < b.time : BigInt(a.tradeId) < BigInt(b.tradeId);
}

/**
 * The reference: every window from the first trade's to the last trade's, trades bucketed by
 * floor(time / length) * length; a window without trades is flat at the previous window's close.
 */
function reference(trades: readonly Trade[], interval: Interval): Plain[] {
  const length = INTERVALS[interval];
  const buckets = new Map<number, Trade[]>();
  for (const t of trades) {
    const key = Math.floor(t.time / length) * length;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(t);
    else buckets.set(key, [t]);
  }
  const keys = [...buckets.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const out: Plain[] = [];
  let previous: Plain | null = null;
  for (let openTime = first; openTime <= last; openTime += length) {
    const bucket = buckets.get(openTime);
    let candle: Plain;
    if (bucket === undefined) {
      const p = previous as Plain;
      candle = {
        ...p,
        interval,
        openTime,
        closeTime: openTime + length,
        open: p.close,
        high: p.close,
        low: p.close,
        volume: '0',
        trades: 0,
      };
    } else {
      const byPrice = [...bucket].sort((a, b) => a.priceNum - b.priceNum);
      candle = {
        symbol: (bucket[0] as Trade).symbol,
        interval,
        openTime,
        closeTime: openTime + length,
        open: bucket.reduce((a, b) => (earlier(b, a) ? b : a)).price,
        high: (byPrice.at(-1) as Trade).price,
        low: (byPrice[0] as Trade).price,
        close: bucket.reduce((a, b) => (earlier(a, b) ? b : a)).price,
        volume: bucket.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toFixed(),
        trades: bucket.length,
        source: [...new Set(bucket.map((t) => t.source))].join(','),
        complete: true,
        lastTradeTime: Math.max(...bucket.map((t) => t.time)),
      };
    }
    out.push(candle);
    previous = candle;
  }
  return out;
}

/** A seeded shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function shuffleWithinMinutes(trades: readonly Trade[], seed: number): Trade[] {
  const minutes = new Map<number, Trade[]>();
  for (const t of trades) {
    const key = Math.floor(t.time / MINUTE);
    minutes.set(key, [...(minutes.get(key) ?? []), t]);
  }
  return [...minutes.values()].flatMap((minute, i) => shuffled(minute, seed + i));
}

describe('CandleAggregator parity with an independent computation', () => {
  it.each([
    ['ETHUSDT (CSV, 1,000 trades)', () => ethusdt],
    ['XRPETH (ndjson, 12,477 trades, many empty minutes)', () => xrpeth],
  ])('%s: every field of every interval', (_name, load) => {
    const trades = load();
    const { aggregator, candles, of } = collect();
    for (const t of trades) aggregator.addTrade(t);
    aggregator.flush();
    for (const interval of ALL) {
      const expected = reference(trades, interval);
      expect(of(interval), interval).toEqual(expected);
    }
    expect(aggregator.stats).toMatchObject({ trades: trades.length, lateTrades: 0, candles: candles.length });
    for (const interval of ALL) expect(aggregator.stats.candlesByInterval[interval]).toBe(of(interval).length);
  });

  it('XRPETH really has empty minutes and 5m windows, so the parity covers them', () => {
    const expected = reference(xrpeth, '1m');
    expect(expected.filter((c) => c.trades === 0).length).toBeGreaterThan(1_000);
    expect(reference(xrpeth, '5m').filter((c) => c.trades === 0).length).toBeGreaterThan(0);
  });

  it('takes open and close by trade time, then id, on input shuffled within each minute', () => {
    for (const seed of [1, 2, 3]) {
      const input = shuffleWithinMinutes(ethusdt, seed * 1_000);
      expect(input).not.toEqual(ethusdt);
      const { aggregator, of } = collect();
      for (const t of input) aggregator.addTrade(t);
      aggregator.flush();
      for (const interval of ALL) expect(of(interval), interval).toEqual(reference(ethusdt, interval));
      expect(aggregator.stats.lateTrades).toBe(0);
    }
  });

  it('emits each longer candle right after the 1m candle that ends at its boundary', () => {
    const { aggregator, candles } = collect();
    for (const t of xrpeth) aggregator.addTrade(t);
    const emitted = candles.map((c) => [c.interval, c.closeTime] as const);
    for (const [i, [interval, closeTime]] of emitted.entries()) {
      if (interval === '1m') continue;
      // The preceding candles are the 1m one and any shorter ones closing at the same time.
      const before = emitted.slice(0, i).reverse();
      const oneMinute = before.find(([iv]) => iv === '1m');
      expect(oneMinute?.[1]).toBe(closeTime);
    }
    // 4h windows start at 00, 04, 08... UTC; 1d at midnight.
    for (const c of candles.filter((c) => c.interval === '4h')) expect(new Date(c.openTime).getUTCHours() % 4).toBe(0);
    for (const c of candles.filter((c) => c.interval === '1d')) {
      expect(new Date(c.openTime).toISOString()).toMatch(/T00:00:00\.000Z$/);
    }
  });
});

describe('CandleAggregator 1m candles', () => {
  it('keeps exchange strings, sums volume exactly and stamps closedAt with the given clock', () => {
    const { aggregator, candles } = collect(['1m']);
    aggregator.addTrade(trade(60_000, '0.00141342', '0.1'));
    aggregator.addTrade(trade(60_001, '0.00141266', '0.2'));
    aggregator.flush();
    expect(candles).toEqual([
      {
        symbol: 'A',
        interval: '1m',
        openTime: 60_000,
        closeTime: 120_000,
        open: '0.00141342',
        high: '0.00141342',
        low: '0.00141266',
        close: '0.00141266',
        volume: '0.3',
        trades: 2,
        source: 'binance',
        complete: true,
        lastTradeTime: 60_001,
        closedAt: 1,
      },
    ]);
  });

  it('breaks time ties by numeric trade id, and a late-arriving older trade is not the close', () => {
    const { aggregator, candles } = collect(['1m']);
    aggregator.addTrade(trade(60_500, '2', '1', { tradeId: '100' }));
    aggregator.addTrade(trade(60_500, '3', '1', { tradeId: '101' }));
    aggregator.addTrade(trade(60_500, '1', '1', { tradeId: '99' })); // same ms, smaller id: the open
    aggregator.addTrade(trade(60_100, '4', '1', { tradeId: '98' })); // older, arrives last
    aggregator.addTrade(trade(60_900, '5', '1', { tradeId: '102' }));
    aggregator.addTrade(trade(60_700, '6', '1', { tradeId: '97' })); // arrives last, not the latest
    aggregator.flush();
    expect(candles.map((c) => [c.open, c.high, c.low, c.close, c.trades, c.lastTradeTime])).toEqual([
      ['4', '6', '1', '5', 6, 60_900],
    ]);
  });

  it('joins the providers of a candle in order of first appearance', () => {
    const { aggregator, candles } = collect(['1m', '5m']);
    aggregator.addTrade(trade(60_000, '1', '1', { source: 'binance' }));
    aggregator.addTrade(trade(61_000, '1', '1', { source: 'coinbase' }));
    aggregator.addTrade(trade(62_000, '1', '1', { source: 'binance' }));
    aggregator.addTrade(trade(120_000, '1', '1', { source: 'coinbase' }));
    aggregator.flush();
    expect(candles.map((c) => [c.interval, c.source])).toEqual([
      ['1m', 'binance,coinbase'],
      ['1m', 'coinbase'],
      ['5m', 'binance,coinbase'],
    ]);
  });

  it('drops and counts trades of a minute already closed', () => {
    const { aggregator, candles } = collect(['1m', '5m']);
    aggregator.addTrade(trade(61_000, '1'));
    aggregator.addTrade(trade(59_000, '9')); // before the symbol's first minute
    aggregator.advanceTo(120_000);
    aggregator.addTrade(trade(119_999, '9')); // its minute closed by the clock
    aggregator.addTrade(trade(130_000, '2'));
    aggregator.addTrade(trade(100_000, '8')); // closed by the trade above
    aggregator.flush();
    expect(candles.map((c) => [c.interval, c.openTime, c.high, c.trades])).toEqual([
      ['1m', 60_000, '1', 1],
      ['1m', 120_000, '2', 1],
      ['5m', 0, '2', 2],
    ]);
    expect(aggregator.stats).toMatchObject({ trades: 2, lateTrades: 3, candles: 3 });
  });

  it('keeps each symbol on its own candles and advances one symbol alone', () => {
    const { aggregator, candles } = collect(['1m']);
    aggregator.addTrade(trade(60_000, '1', '2'));
    aggregator.addTrade(trade(60_500, '100', '3', { symbol: 'B' }));
    aggregator.addTrade(trade(61_000, '3', '4'));
    aggregator.addTrade(trade(125_000, '101', '1', { symbol: 'B' }));
    expect(candles.map((c) => c.symbol)).toEqual(['B']);
    aggregator.advanceTo(120_000, 'A');
    expect(candles.map((c) => [c.symbol, c.openTime, c.open, c.close, c.volume])).toEqual([
      ['B', 60_000, '100', '100', '3'],
      ['A', 60_000, '1', '3', '6'],
    ]);
    aggregator.advanceTo(180_000, 'unknown');
    expect(candles).toHaveLength(2);
  });

  it('rejects unknown, repeated or no intervals', () => {
    const onCandle = () => {};
    expect(() => new CandleAggregator({ intervals: ['2m' as Interval], onCandle })).toThrow(RangeError);
    expect(() => new CandleAggregator({ intervals: ['1m', '1m'], onCandle })).toThrow(RangeError);
    expect(() => new CandleAggregator({ intervals: [], onCandle })).toThrow(RangeError);
  });

  it('emits the longer intervals only when 1m is not asked for', () => {
    const { aggregator, candles } = collect(['5m']);
    aggregator.addTrade(trade(0, '1'));
    aggregator.addTrade(trade(300_000, '2'));
    expect(candles.map((c) => [c.interval, c.openTime, c.trades])).toEqual([['5m', 0, 1]]);
    expect(aggregator.stats.candlesByInterval).toEqual({ '1m': 0, '5m': 1, '15m': 0, '1h': 0, '4h': 0, '1d': 0 });
  });
});

describe('CandleAggregator empty minutes', () => {
  const EMPTY = { volume: '0', trades: 0, complete: true, source: 'binance' };

  it('emits the minutes between two trades, flat at the previous close, when the later trade arrives', () => {
    const { aggregator, of } = collect(['1m']);
    aggregator.addTrade(trade(60_000, '1'));
    aggregator.addTrade(trade(61_000, '3'));
    aggregator.addTrade(trade(62_000, '2'));
    aggregator.advanceTo(100_000); // mid-minute: nothing closes
    expect(of('1m')).toEqual([]);
    aggregator.addTrade(trade(250_000, '5'));
    expect(of('1m')).toEqual([
      expect.objectContaining({ openTime: 60_000, open: '1', high: '3', low: '1', close: '2', trades: 3 }),
      {
        symbol: 'A',
        interval: '1m',
        openTime: 120_000,
        closeTime: 180_000,
        open: '2',
        high: '2',
        low: '2',
        close: '2',
        lastTradeTime: 62_000,
        ...EMPTY,
      },
      {
        symbol: 'A',
        interval: '1m',
        openTime: 180_000,
        closeTime: 240_000,
        open: '2',
        high: '2',
        low: '2',
        close: '2',
        lastTradeTime: 62_000,
        ...EMPTY,
      },
    ]);
  });

  it('emits them by advanceTo up to the given time, never for a symbol without a trade', () => {
    const { aggregator, candles, of } = collect(['1m', '5m']);
    aggregator.advanceTo(10_000_000);
    aggregator.markIncomplete('B', 0, 600_000);
    aggregator.advanceTo(10_000_000);
    expect(candles).toEqual([]);
    aggregator.addTrade(trade(61_000, '7'));
    aggregator.advanceTo(239_999);
    expect(of('1m').map((c) => [c.openTime, c.trades])).toEqual([
      [60_000, 1],
      [120_000, 0],
    ]);
    aggregator.advanceTo(300_000);
    expect(of('1m').map((c) => [c.openTime, c.trades])).toEqual([
      [60_000, 1],
      [120_000, 0],
      [180_000, 0],
      [240_000, 0],
    ]);
    expect(of('5m')).toEqual([
      {
        symbol: 'A',
        interval: '5m',
        openTime: 0,
        closeTime: 300_000,
        open: '7',
        high: '7',
        low: '7',
        close: '7',
        volume: '1',
        trades: 1,
        source: 'binance',
        complete: true,
        lastTradeTime: 61_000,
      },
    ]);
  });

  it('makes a longer window of empty minutes only flat at the previous close', () => {
    const { aggregator, of } = collect(['1m', '5m']);
    aggregator.addTrade(trade(290_000, '4', '2'));
    aggregator.advanceTo(600_000);
    expect(of('5m')).toEqual([
      expect.objectContaining({ openTime: 0, trades: 1, close: '4' }),
      {
        symbol: 'A',
        interval: '5m',
        openTime: 300_000,
        closeTime: 600_000,
        open: '4',
        high: '4',
        low: '4',
        close: '4',
        volume: '0',
        trades: 0,
        source: 'binance',
        complete: true,
        lastTradeTime: 290_000,
      },
    ]);
  });

  it('opens a longer window at its first minute with trades, not at a leading empty one', () => {
    const { aggregator, of } = collect(['5m']);
    aggregator.addTrade(trade(290_000, '4'));
    aggregator.addTrade(trade(430_000, '6', '1'));
    aggregator.addTrade(trade(480_000, '5', '1'));
    aggregator.advanceTo(600_000);
    expect(of('5m')[1]).toMatchObject({
      openTime: 300_000,
      open: '6',
      high: '6',
      low: '5',
      close: '5',
      trades: 2,
      volume: '2',
    });
  });
});

describe('CandleAggregator markIncomplete', () => {
  it('marks the open minute and the minutes not yet emitted in the range, and their roll-ups', () => {
    const { aggregator, of } = collect(['1m', '5m']);
    aggregator.addTrade(trade(10_000, '1'));
    aggregator.advanceTo(60_000);
    aggregator.addTrade(trade(61_000, '2'));
    // The feed went down at 90 s and came back at 200 s; the trades in between could not be had.
    aggregator.markIncomplete('A', 90_000, 200_000);
    aggregator.markIncomplete('A', 0, 30_000); // already emitted: unchanged
    aggregator.advanceTo(200_000); // the watermark moves on after giving up
    aggregator.addTrade(trade(230_000, '3'));
    aggregator.addTrade(trade(250_000, '4'));
    aggregator.advanceTo(300_000);
    expect(of('1m').map((c) => [c.openTime, c.trades, c.complete])).toEqual([
      [0, 1, true],
      [60_000, 1, false],
      [120_000, 0, false], // empty but inside the gap: not known empty
      [180_000, 1, false], // a trade after the gap, but the minute overlaps it
      [240_000, 1, true],
    ]);
    expect(of('5m').map((c) => [c.openTime, c.trades, c.complete])).toEqual([[0, 4, false]]);
  });

  it('rejects an empty range', () => {
    const { aggregator } = collect(['1m']);
    expect(() => aggregator.markIncomplete('A', 5, 5)).toThrow(RangeError);
  });
});

describe('CandleAggregator addCandle', () => {
  it('rolls closed 1m candles up exactly as it rolls up the ones it builds from trades', () => {
    const fromTrades = collect();
    for (const t of xrpeth) fromTrades.aggregator.addTrade(t);
    fromTrades.aggregator.flush();
    // Only the minutes with trades: the empty ones must come out of addCandle's own empty-minute rule.
    const withTrades = fromTrades.candles.filter((c) => c.interval === '1m' && c.trades > 0);
    const fromCandles = collect();
    for (const c of withTrades) fromCandles.aggregator.addCandle(c);
    fromCandles.aggregator.flush();
    for (const interval of ALL) {
      expect(fromCandles.of(interval), interval).toEqual(fromTrades.of(interval));
    }
    expect(fromCandles.aggregator.stats).toMatchObject({ trades: 0, candles: fromTrades.candles.length });
  });

  it('keeps a given incomplete flag, drops late candles and refuses other intervals', () => {
    const { aggregator, candles } = collect(['1m', '5m']);
    const base: Candle = {
      symbol: 'A',
      interval: '1m',
      openTime: 60_000,
      closeTime: 120_000,
      open: '1',
      high: '2',
      low: '1',
      close: '2',
      volume: '5',
      trades: 1,
      source: 'replay',
      complete: false,
      lastTradeTime: 119_999,
    };
    aggregator.addCandle(base);
    aggregator.addCandle(base);
    aggregator.addTrade(trade(121_000, '3'));
    aggregator.addCandle({ ...base, openTime: 120_000, closeTime: 180_000 }); // minute open from trades
    expect(aggregator.stats.lateCandles).toBe(2);
    expect(() => aggregator.addCandle({ ...base, interval: '5m' })).toThrow(RangeError);
    expect(() => aggregator.addCandle({ ...base, openTime: 61_000, closeTime: 121_000 })).toThrow(RangeError);
    aggregator.advanceTo(300_000);
    expect(candles.map((c) => [c.interval, c.openTime, c.complete, c.trades])).toEqual([
      ['1m', 60_000, false, 1],
      ['1m', 120_000, true, 1],
      ['1m', 180_000, true, 0],
      ['1m', 240_000, true, 0],
      ['5m', 0, false, 2],
    ]);
  });
});
