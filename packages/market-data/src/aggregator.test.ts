import { readFileSync } from 'node:fs';
import { type Candle, INTERVALS, type Interval, type Trade } from '@alphintra/core';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { CandleAggregator } from './aggregator.ts';
import { BUNDLED_TRADES } from './fixtures.ts';
import { parseBinanceTrade } from './trade.ts';

const recorded: Trade[] = readFileSync(BUNDLED_TRADES, 'utf8').trim().split('\n').map(parseBinanceTrade);

function trade(symbol: string, time: number, price: string, quantity = '1'): Trade {
  return {
    source: 'replay',
    symbol,
    tradeId: String(time),
    time,
    price,
    quantity,
    priceNum: Number(price),
    quantityNum: Number(quantity),
    takerSide: 'BUY',
  };
}

function collect(intervals: Interval[] = ['1m']) {
  const candles: Candle[] = [];
  let clock = 0;
  const aggregator = new CandleAggregator({ intervals, onCandle: (c) => candles.push(c), now: () => ++clock });
  return { aggregator, candles };
}

function withoutClosedAt({ closedAt: _closedAt, ...candle }: Candle): Omit<Candle, 'closedAt'> {
  return candle;
}

/** The reference: bucket by floor(T / length), then reduce each bucket in file order. */
function simpleCandles(trades: readonly Trade[], interval: Interval): Omit<Candle, 'closedAt'>[] {
  const length = INTERVALS[interval];
  const buckets = new Map<number, Trade[]>();
  for (const t of trades) {
    const key = Math.floor(t.time / length);
    buckets.set(key, [...(buckets.get(key) ?? []), t]);
  }
  return [...buckets].map(([key, bucket]) => {
    const first = bucket[0] as Trade;
    const high = bucket.reduce((a, b) => (b.priceNum > a.priceNum ? b : a));
    const low = bucket.reduce((a, b) => (b.priceNum < a.priceNum ? b : a));
    return {
      symbol: first.symbol,
      interval,
      openTime: key * length,
      closeTime: (key + 1) * length,
      open: first.price,
      high: high.price,
      low: low.price,
      close: (bucket.at(-1) as Trade).price,
      volume: bucket.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toFixed(),
      trades: bucket.length,
      lastTradeTime: Math.max(...bucket.map((t) => t.time)),
      source: 'replay',
      complete: true,
    };
  });
}

describe('CandleAggregator', () => {
  it('matches independently computed candles on the recorded XRPETH trades', () => {
    const slice = recorded;
    const { aggregator, candles } = collect(['1m', '5m', '1h']);
    for (const t of slice) aggregator.addTrade(t);
    aggregator.flush();
    for (const interval of ['1m', '5m', '1h'] as const) {
      const expected = simpleCandles(slice, interval);
      expect(expected.length).toBeGreaterThan(10);
      expect(candles.filter((c) => c.interval === interval).map(withoutClosedAt)).toEqual(expected);
    }
    expect(aggregator.stats).toEqual({ trades: 12_477, lateTrades: 0, candles: candles.length });
  });

  it('keeps the exchange price strings and sums the volume exactly', () => {
    const { aggregator, candles } = collect();
    aggregator.addTrade(trade('XRPETH', 60_000, '0.00141342', '0.1'));
    aggregator.addTrade(trade('XRPETH', 60_001, '0.00141266', '0.2'));
    aggregator.flush();
    expect(candles.map(withoutClosedAt)).toEqual([
      {
        symbol: 'XRPETH',
        interval: '1m',
        openTime: 60_000,
        closeTime: 120_000,
        open: '0.00141342',
        high: '0.00141342',
        low: '0.00141266',
        close: '0.00141266',
        volume: '0.3',
        trades: 2,
        lastTradeTime: 60_001,
        source: 'replay',
        complete: true,
      },
    ]);
    expect(candles[0]?.closedAt).toBe(1);
  });

  it('closes a candle on the first trade of the next interval', () => {
    const { aggregator, candles } = collect();
    aggregator.addTrade(trade('A', 60_000, '1'));
    aggregator.addTrade(trade('A', 119_999, '2'));
    expect(candles).toEqual([]);
    aggregator.addTrade(trade('A', 120_000, '3'));
    expect(candles.map((c) => [c.openTime, c.close, c.trades])).toEqual([[60_000, '2', 2]]);
    // A gap of several intervals produces no empty candles.
    aggregator.addTrade(trade('A', 400_000, '4'));
    expect(candles.map((c) => [c.openTime, c.close, c.trades])).toEqual([
      [60_000, '2', 2],
      [120_000, '3', 1],
    ]);
  });

  it('closes candles by timer once the clock reaches their close time', () => {
    const { aggregator, candles } = collect(['1m', '5m']);
    aggregator.addTrade(trade('A', 61_000, '1'));
    aggregator.advanceTo(119_999);
    expect(candles).toEqual([]);
    aggregator.advanceTo(120_000);
    expect(candles.map((c) => [c.interval, c.openTime])).toEqual([['1m', 60_000]]);
    aggregator.advanceTo(299_999);
    aggregator.advanceTo(300_000);
    expect(candles.map((c) => [c.interval, c.openTime])).toEqual([
      ['1m', 60_000],
      ['5m', 0],
    ]);
    aggregator.advanceTo(10_000_000);
    expect(candles).toHaveLength(2);
  });

  it('drops and counts trades whose candle already closed', () => {
    const { aggregator, candles } = collect(['1m', '5m']);
    aggregator.addTrade(trade('A', 61_000, '1'));
    aggregator.advanceTo(120_000);
    // Late for 1m (closed by the timer) but its 5m candle is still open.
    aggregator.addTrade(trade('A', 62_000, '9'));
    expect(aggregator.stats).toMatchObject({ trades: 2, lateTrades: 1 });
    aggregator.addTrade(trade('A', 130_000, '2'));
    // Before the open 1m candle [120000, 180000): late for 1m only again.
    aggregator.addTrade(trade('A', 100_000, '8'));
    aggregator.flush();
    const oneMinute = candles.filter((c) => c.interval === '1m');
    expect(oneMinute.map((c) => [c.openTime, c.high, c.trades])).toEqual([
      [60_000, '1', 1],
      [120_000, '2', 1],
    ]);
    expect(candles.find((c) => c.interval === '5m')).toMatchObject({ high: '9', trades: 4 });
    expect(aggregator.stats).toEqual({ trades: 4, lateTrades: 2, candles: 3 });
    // A trade late for every interval is not accepted at all.
    aggregator.addTrade(trade('A', 1_000, '1'));
    expect(aggregator.stats).toEqual({ trades: 4, lateTrades: 3, candles: 3 });
  });

  it('keeps each symbol on its own candles', () => {
    const { aggregator, candles } = collect();
    aggregator.addTrade(trade('A', 60_000, '1', '2'));
    aggregator.addTrade(trade('B', 60_500, '100', '3'));
    aggregator.addTrade(trade('A', 61_000, '3', '4'));
    // B's next-interval trade closes B only.
    aggregator.addTrade(trade('B', 125_000, '101'));
    expect(candles.map((c) => c.symbol)).toEqual(['B']);
    aggregator.advanceTo(180_000);
    expect(candles.map((c) => [c.symbol, c.openTime, c.open, c.close, c.volume])).toEqual([
      ['B', 60_000, '100', '100', '3'],
      ['A', 60_000, '1', '3', '6'],
      ['B', 120_000, '101', '101', '1'],
    ]);
  });

  it('rejects unknown or repeated intervals', () => {
    const onCandle = () => {};
    expect(() => new CandleAggregator({ intervals: ['2m' as Interval], onCandle })).toThrow(RangeError);
    expect(() => new CandleAggregator({ intervals: ['1m', '1m'], onCandle })).toThrow(RangeError);
    expect(() => new CandleAggregator({ intervals: [], onCandle })).toThrow(RangeError);
  });
});
