import { createMemoryPubSub, MemoryEventBus, TOPICS } from '@alphintra/bus';
import { type Candle, INTERVALS, type Interval } from '@alphintra/core';
import { type Database, DrizzleCandleStore, loadFeedCursors, openDatabase } from '@alphintra/db';
import { BinanceProvider, BUNDLED_TRADES } from '@alphintra/market-data';
import { type FakeBinance, readBinanceTrades, startFakeBinance } from '@alphintra/testkit';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { silentLog } from './log.ts';
import { MarketDataService } from './market-data-service.ts';

const all = readBinanceTrades(BUNDLED_TRADES);
// The exchange's history at start; the rest arrives live, a few hundred trades a second.
const HISTORY = 12_000;
const recorded = all.slice(0, HISTORY);
const last = all.at(-1);
if (last === undefined) throw new Error('no recorded trades');
// The market clock stands half an hour after the recording: everything the fake has is history by then.
const NOW = last.T + 30 * 60_000;
const WARMUP = 50;

/** Non-empty buckets of the recorded trades, computed here: open, high, low, close, volume, trades. */
function buckets(interval: Interval) {
  const length = INTERVALS[interval];
  const result = new Map<
    number,
    { open: string; high: string; low: string; close: string; volume: Big; trades: number }
  >();
  for (const t of recorded) {
    const openTime = Math.floor(t.T / length) * length;
    const b = result.get(openTime);
    if (b === undefined) {
      result.set(openTime, { open: t.p, high: t.p, low: t.p, close: t.p, volume: new Big(t.q), trades: 1 });
      continue;
    }
    if (Number(t.p) > Number(b.high)) b.high = t.p;
    if (Number(t.p) < Number(b.low)) b.low = t.p;
    b.close = t.p;
    b.volume = b.volume.plus(t.q);
    b.trades++;
  }
  return result;
}

describe('MarketDataService on a live provider', () => {
  let fake: FakeBinance;
  let database: Database;
  const bus = new MemoryEventBus();
  const onBus: Candle[] = [];

  beforeAll(async () => {
    // The first trades are the fake's history (and klines), with their recorded times; the rest stream live once
    // the service is connected, stamped with the market clock.
    fake = await startFakeBinance({
      trades: all,
      published: HISTORY,
      clock: () => NOW,
      ratePerSecond: 400,
      paused: true,
    });
    database = await openDatabase({});
    await bus.ensureTopics([{ topic: TOPICS.candles }, { topic: TOPICS.strategyEvents }]);
    await bus.consume({
      groupId: 'test-reader',
      topics: [TOPICS.candles],
      fromBeginning: true,
      handler: (message) => {
        onBus.push(JSON.parse(message.value) as Candle);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  afterAll(async () => {
    await bus.close();
    await database?.close();
    await fake?.close();
  });

  function service() {
    const live = loadConfig({ MARKET_DATA: 'binance', MARKET_SYMBOLS: 'XRPETH' }).marketData;
    return new MarketDataService({
      db: database.db,
      store: new DrizzleCandleStore(database.db),
      bus,
      pubsub: createMemoryPubSub(),
      log: silentLog,
      source: {
        kind: 'live',
        primary: new BinanceProvider({ wsUrl: fake.wsUrl, restUrl: fake.restUrl }),
        symbols: ['XRPETH'],
        failoverAfterMs: 2_000,
        failbackAfterMs: 5_000,
        warmupCandles: WARMUP,
      },
      settings: live,
      produceTrades: false,
      groupPrefix: 'test',
      now: () => NOW,
    });
  }

  it('warms a symbol without history up from the exchange’s klines, as history only', async () => {
    const first = service();
    await first.start();
    // Live from the service's subscription on: a trade published before it would be news to no one.
    const subscribed = Date.now() + 60_000;
    while (!fake.subscriptions().some((streams) => streams.includes('xrpeth@trade'))) {
      if (Date.now() > subscribed) throw new Error('the service never subscribed to xrpeth@trade');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    fake.resume();
    // Until every live trade has come in (the warm-up before it is slow on a busy machine).
    const deadline = Date.now() + 120_000;
    while ((first.feeds?.cursors()[0]?.lastTradeId ?? 0) < last.t && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await first.stop();

    const store = new DrizzleCandleStore(database.db);
    const dayStart = Math.floor(NOW / INTERVALS['1d']) * INTERVALS['1d'];
    for (const interval of ['1h', '4h', '1d'] as const) {
      const length = INTERVALS[interval];
      const end = Math.floor(NOW / length) * length;
      const from = end - WARMUP * length;
      const expected = [...buckets(interval)].filter(
        ([openTime]) => openTime >= from && openTime < Math.min(end, dayStart),
      );
      const stored = (await store.query({ symbol: 'XRPETH', interval, from, to: Math.min(end, dayStart) })).filter(
        (c) => c.trades > 0,
      );
      expect(expected.length).toBeGreaterThan(0);
      // Binance writes volumes with trailing zeros ("94040.00000000"): compared as numbers, exactly.
      expect(
        stored.map((c) => [c.openTime, c.open, c.high, c.low, c.close, new Big(c.volume).toString(), c.trades]),
      ).toEqual(
        expected.map(([openTime, b]) => [openTime, b.open, b.high, b.low, b.close, b.volume.toString(), b.trades]),
      );
      expect(stored.every((c) => c.source === 'binance' && c.complete)).toBe(true);
    }
    // The minutes of the current day went through the roll-up too: today's hours equal the trades' hours.
    const hours = buckets('1h');
    const hourEnd = Math.floor(NOW / INTERVALS['1h']) * INTERVALS['1h'];
    const today = (await store.query({ symbol: 'XRPETH', interval: '1h', from: dayStart, to: hourEnd })).filter(
      (c) => c.trades > 0,
    );
    expect(today.length).toBeGreaterThan(0);
    for (const candle of today) expect(candle.close).toBe(hours.get(candle.openTime)?.close);
    // History is not news: no warm-up candle reached the engine's topic.
    const minuteEnd = Math.floor(NOW / 60_000) * 60_000;
    expect(onBus.filter((c) => c.openTime < minuteEnd - INTERVALS[c.interval])).toEqual([]);
  }, 150_000);

  it('saves where each symbol’s trades stand and backfills from there after a restart', async () => {
    const cursors = await loadFeedCursors(database.db, 'binance');
    const cursor = cursors.get('XRPETH');
    expect(cursor?.lastTradeId).toBe(last.t);
    const requestsBefore = fake.requests.length;
    const second = service();
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await second.stop();
    const backfills = fake.requests
      .slice(requestsBefore)
      .filter((r) => r.path === '/api/v3/historicalTrades')
      .map((r) => r.query['fromId']);
    expect(backfills).toContain(String(last.t + 1));
  });
});
