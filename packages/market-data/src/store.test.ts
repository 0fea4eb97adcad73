import type { Candle } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { MemoryCandleStore } from './store.ts';

// The cases every CandleStore shares run in packages/db/src/candle-store.contract.test.ts; these are the
// in-memory store's own.

function candle(symbol: string, minute: number): Candle {
  const openTime = minute * 60_000;
  return {
    symbol,
    interval: '1m',
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

const minutes = (candles: readonly Candle[]) => candles.map((c) => c.openTime / 60_000);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('MemoryCandleStore', () => {
  it('keeps the newest `capacity` candles of each series', async () => {
    const store = new MemoryCandleStore({ capacity: 4 });
    await store.put([...range(1, 12).map((m) => candle('A', m)), candle('B', 1)]);
    const q = { symbol: 'A', interval: '1m' } as const;
    expect(minutes(await store.query(q))).toEqual([8, 9, 10, 11]);
    expect(minutes(await store.query({ symbol: 'B', interval: '1m' }))).toEqual([1]);
    expect(minutes(await store.query({ ...q, from: 9 * 60_000, to: 11 * 60_000 }))).toEqual([9, 10]);
    // Older than a full series: evicted at once, so not new.
    expect(await store.put([candle('A', 2)])).toEqual([]);
    expect(minutes(await store.put([candle('A', 12), candle('A', 9)]))).toEqual([12]);
    expect(minutes(await store.query(q))).toEqual([9, 10, 11, 12]);
  });

  it('refuses an invalid capacity', () => {
    expect(() => new MemoryCandleStore({ capacity: 0 })).toThrow(RangeError);
    expect(() => new MemoryCandleStore({ capacity: 1.5 })).toThrow(RangeError);
  });
});
