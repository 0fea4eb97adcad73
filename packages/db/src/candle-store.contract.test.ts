import type { Candle, CandleStore, Interval } from '@alphintra/core';
import { MemoryCandleStore } from '@alphintra/market-data';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleCandleStore } from './candle-store.ts';
import { type Database, openDatabase } from './client.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

const MINUTE = 60_000;
const BASE = Date.UTC(2024, 0, 1);

/** A 1m (or other) candle of `symbol` at `minute` past BASE, with figures derived from the minute. */
function candle(symbol: string, minute: number, interval: Interval = '1m', over: Partial<Candle> = {}): Candle {
  const openTime = BASE + minute * MINUTE;
  return {
    symbol,
    interval,
    openTime,
    closeTime: openTime + MINUTE,
    open: `${minute}.5`,
    high: `${minute + 1}.25`,
    low: `${minute}.125`,
    close: `${minute}.75`,
    volume: `${minute * 3}.0001`,
    trades: minute % 7,
    source: 'replay',
    complete: true,
    lastTradeTime: openTime + 59_999,
    ...over,
  };
}

const minutes = (candles: readonly Candle[]) => candles.map((c) => (c.openTime - BASE) / MINUTE);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

interface Adapter {
  readonly name: string;
  readonly enabled: boolean;
  open(): Promise<{ store: CandleStore; close: () => Promise<void> }>;
}

async function drizzleOn(url: string | undefined) {
  let database: Database;
  let drop = async () => {};
  if (url) {
    const created = await createTestDatabase(url);
    drop = created.drop;
    database = await openDatabase({ url: created.url });
  } else {
    database = await openDatabase({});
  }
  return {
    store: new DrizzleCandleStore(database.db),
    close: async () => {
      await database.close();
      await drop();
    },
  };
}

const adapters: Adapter[] = [
  { name: 'memory', enabled: true, open: async () => ({ store: new MemoryCandleStore(), close: async () => {} }) },
  { name: 'Drizzle on PGlite', enabled: true, open: () => drizzleOn(undefined) },
  { name: 'Drizzle on Postgres', enabled: postgresUrl !== undefined, open: () => drizzleOn(postgresUrl) },
];

describe.each(adapters)('CandleStore contract: $name', (adapter) => {
  let store: CandleStore;
  let close = async () => {};

  beforeAll(async () => {
    if (!adapter.enabled) return;
    ({ store, close } = await adapter.open());
  });
  afterAll(() => close());

  it.runIf(adapter.enabled)('puts idempotently, resolving with only the new candles in the given order', async () => {
    const batch = [candle('PUT', 3), candle('PUT', 1), candle('PUT', 2)];
    expect(await store.put(batch)).toEqual(batch);
    expect(await store.put(batch)).toEqual([]);
    const changed = candle('PUT', 2, '1m', { close: '999' });
    const again = [candle('PUT', 5), changed, candle('PUT', 4), candle('PUT', 5)];
    // Minute 2 is stored already (its stored figures stay), minute 5 is repeated in the batch: the first counts.
    expect(minutes(await store.put(again))).toEqual([5, 4]);
    const stored = await store.query({ symbol: 'PUT', interval: '1m' });
    expect(minutes(stored)).toEqual([1, 2, 3, 4, 5]);
    expect(stored[1]).toEqual(candle('PUT', 2));
    expect(await store.put([])).toEqual([]);
  });

  it.runIf(adapter.enabled)('keeps exact decimals, the source and incomplete candles', async () => {
    const odd = candle('EXACT', 0, '1m', {
      open: '0.00000001',
      high: '123456789.123456789012345678',
      low: '0.00000001',
      close: '98765.4321',
      volume: '0.10000000',
      trades: 0,
      source: 'binance,coinbase',
      complete: false,
    });
    await store.put([odd]);
    const [back] = await store.query({ symbol: 'EXACT', interval: '1m' });
    expect(back).toEqual(odd);
    expect(back?.volume).toBe('0.10000000');
    expect(await store.latest('EXACT', '1m')).toEqual(odd);
  });

  it.runIf(adapter.enabled)('reads several series from their own starts in one call, in the order asked', async () => {
    const stored = [
      ...range(0, 6).map((m) => candle('SINCE-A', m)),
      ...range(0, 4).map((m) => candle('SINCE-B', m)),
      ...range(0, 3).map((m) => candle('SINCE-A', m * 5, '5m')),
      candle('SINCE-EXACT', 7, '1m', { open: '0.00000001', volume: '0.10000000', complete: false }),
    ];
    await store.put(stored);
    const asked = [
      { symbol: 'SINCE-B', interval: '1m' as const, from: BASE + 2 * MINUTE },
      { symbol: 'SINCE-A', interval: '5m' as const, from: BASE },
      { symbol: 'SINCE-NONE', interval: '1m' as const, from: BASE },
      { symbol: 'SINCE-A', interval: '1m' as const, from: BASE + 4 * MINUTE + 1 },
      { symbol: 'SINCE-EXACT', interval: '1m' as const, from: BASE },
    ];
    // Worked out from what was stored: each series' candles from its start, series in the order asked.
    const expected = asked.flatMap(({ symbol, interval, from }) =>
      stored
        .filter((c) => c.symbol === symbol && c.interval === interval && c.openTime >= from)
        .sort((a, b) => a.openTime - b.openTime),
    );
    expect(expected.map((c) => `${c.symbol} ${c.interval} ${(c.openTime - BASE) / MINUTE}`)).toEqual([
      'SINCE-B 1m 2',
      'SINCE-B 1m 3',
      'SINCE-A 5m 0',
      'SINCE-A 5m 5',
      'SINCE-A 5m 10',
      'SINCE-A 1m 5',
      'SINCE-EXACT 1m 7',
    ]);
    expect(await store.since(asked)).toEqual(expected);
    expect(await store.since([])).toEqual([]);
  });

  it.runIf(adapter.enabled)('selects by from (inclusive), to (exclusive) and last, ascending', async () => {
    // Out of order on purpose: the store keeps each series sorted.
    await store.put([...range(6, 11), ...range(1, 6)].map((m) => candle('SEL', m)));
    await store.put([candle('SEL', 3, '5m'), candle('OTHER', 4)]);
    const q = { symbol: 'SEL', interval: '1m' } as const;
    const at = (m: number) => BASE + m * MINUTE;
    expect(minutes(await store.query(q))).toEqual(range(1, 11));
    expect(minutes(await store.query({ ...q, from: at(3), to: at(6) }))).toEqual([3, 4, 5]);
    expect(minutes(await store.query({ ...q, from: at(3) + 1 }))).toEqual(range(4, 11));
    expect(minutes(await store.query({ ...q, to: at(3) + 1 }))).toEqual([1, 2, 3]);
    expect(minutes(await store.query({ ...q, last: 3 }))).toEqual([8, 9, 10]);
    expect(minutes(await store.query({ ...q, to: at(6), last: 2 }))).toEqual([4, 5]);
    expect(minutes(await store.query({ ...q, from: at(9), last: 5 }))).toEqual([9, 10]);
    expect(minutes(await store.query({ ...q, last: 100 }))).toEqual(range(1, 11));
    expect(await store.query({ ...q, last: 0 })).toEqual([]);
    expect(await store.query({ ...q, from: at(20) })).toEqual([]);
    expect(await store.query({ ...q, from: at(5), to: at(5) })).toEqual([]);
    expect(minutes(await store.query({ symbol: 'SEL', interval: '5m' }))).toEqual([3]);
    expect(await store.query({ symbol: 'NONE', interval: '1m' })).toEqual([]);
    await expect(store.query({ ...q, last: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it.runIf(adapter.enabled)('gives the latest candle of a series, or null', async () => {
    await store.put([candle('LAT', 7), candle('LAT', 9), candle('LAT', 8), candle('LAT', 100, '1h')]);
    expect(await store.latest('LAT', '1m')).toEqual(candle('LAT', 9));
    expect(await store.latest('LAT', '1h')).toEqual(candle('LAT', 100, '1h'));
    expect(await store.latest('LAT', '5m')).toBeNull();
    expect(await store.latest('NOPE', '1m')).toBeNull();
  });

  it.runIf(adapter.enabled)('prunes one interval before a time, counting what it removed', async () => {
    await store.put([...range(0, 6).map((m) => candle('PRA', m, '15m')), candle('PRB', 2, '15m')]);
    await store.put(range(0, 6).map((m) => candle('PRA', m, '4h')));
    expect(await store.prune('15m', BASE + 3 * MINUTE)).toBe(4);
    expect(minutes(await store.query({ symbol: 'PRA', interval: '15m' }))).toEqual([3, 4, 5]);
    expect(await store.query({ symbol: 'PRB', interval: '15m' })).toEqual([]);
    expect(minutes(await store.query({ symbol: 'PRA', interval: '4h' }))).toEqual(range(0, 6));
    expect(await store.prune('15m', BASE + 3 * MINUTE)).toBe(0);
    // A pruned candle can be stored again.
    expect(minutes(await store.put([candle('PRA', 1, '15m')]))).toEqual([1]);
  });

  it.runIf(adapter.enabled)('takes 20,000 candles in one put (beyond 65,535 bind parameters)', async () => {
    const many = range(0, 20_000).map((m) => candle('BULK', m));
    const fresh = await store.put(many);
    expect(fresh.length).toBe(20_000);
    expect(minutes(await store.query({ symbol: 'BULK', interval: '1m', last: 2 }))).toEqual([19_998, 19_999]);
    const overlap = range(19_990, 20_010).map((m) => candle('BULK', m));
    expect(minutes(await store.put(overlap))).toEqual(range(20_000, 20_010));
    expect((await store.query({ symbol: 'BULK', interval: '1m' })).length).toBe(20_010);
  });
});
