import type { Candle, Interval } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { CandleStore } from './store.ts';

function candle(symbol: string, minute: number, interval: Interval = '1m'): Candle {
  const openTime = minute * 60_000;
  return {
    symbol,
    interval,
    openTime,
    closeTime: openTime + 60_000,
    open: '1',
    high: '1',
    low: '1',
    close: '1',
    volume: '1',
    trades: 1,
    lastTradeTime: openTime,
    source: 'replay',
    complete: true,
  };
}

const minutes = (candles: Candle[]) => candles.map((c) => c.openTime / 60_000);

describe('CandleStore', () => {
  it('selects by openTime range, ascending, with last keeping the newest', () => {
    const store = new CandleStore();
    for (let m = 1; m <= 10; m++) store.add(candle('A', m));
    const q = { symbol: 'A', interval: '1m' } as const;
    expect(minutes(store.query(q))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(minutes(store.query({ ...q, from: 3 * 60_000, to: 6 * 60_000 }))).toEqual([3, 4, 5]);
    expect(minutes(store.query({ ...q, from: 3 * 60_000 + 1 }))).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(minutes(store.query({ ...q, to: 3 * 60_000 + 1 }))).toEqual([1, 2, 3]);
    expect(minutes(store.query({ ...q, last: 3 }))).toEqual([8, 9, 10]);
    expect(minutes(store.query({ ...q, to: 6 * 60_000, last: 2 }))).toEqual([4, 5]);
    expect(minutes(store.query({ ...q, from: 9 * 60_000, last: 5 }))).toEqual([9, 10]);
    expect(store.query({ ...q, last: 0 })).toEqual([]);
    expect(store.query({ ...q, from: 20 * 60_000 })).toEqual([]);
    expect(() => store.query({ ...q, last: -1 })).toThrow(RangeError);
  });

  it('keeps series apart and lists symbols', () => {
    const store = new CandleStore();
    store.add(candle('B', 1));
    store.add(candle('A', 1));
    store.add(candle('A', 0, '5m'));
    store.add(candle('A', 2));
    expect(store.symbols()).toEqual(['A', 'B']);
    expect(minutes(store.query({ symbol: 'A', interval: '1m' }))).toEqual([1, 2]);
    expect(minutes(store.query({ symbol: 'A', interval: '5m' }))).toEqual([0]);
    expect(store.query({ symbol: 'C', interval: '1m' })).toEqual([]);
    expect(store.query({ symbol: 'B', interval: '1h' })).toEqual([]);
  });

  it('evicts the oldest candles beyond its capacity', () => {
    const store = new CandleStore({ capacity: 4 });
    for (let m = 1; m <= 11; m++) store.add(candle('A', m));
    const q = { symbol: 'A', interval: '1m' } as const;
    expect(minutes(store.query(q))).toEqual([8, 9, 10, 11]);
    expect(minutes(store.query({ ...q, from: 9 * 60_000, to: 11 * 60_000 }))).toEqual([9, 10]);
    expect(minutes(store.query({ ...q, last: 1 }))).toEqual([11]);
  });

  it('ignores a redelivered or older candle', () => {
    const store = new CandleStore();
    expect(store.add(candle('A', 5))).toBe(true);
    expect(store.add(candle('A', 5))).toBe(false);
    expect(store.add(candle('A', 4))).toBe(false);
    expect(minutes(store.query({ symbol: 'A', interval: '1m' }))).toEqual([5]);
  });
});
