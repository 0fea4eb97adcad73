import type { Candle } from '@alphintra/core';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client.ts';
import {
  type FeedStatusRecord,
  getInstrument,
  getInstruments,
  insertCandles,
  insertQuarantinedTrades,
  latestCandles,
  listFeedStatus,
  listInstruments,
  listQuarantinedTrades,
  loadEngineProgress,
  loadFeedCursors,
  progressKey,
  QUARANTINE_KEPT,
  type QuarantinedTradeInput,
  saveEngineProgress,
  saveFeedCursors,
  saveFeedStatus,
  upsertInstruments,
} from './queries/market.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

const adapters = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'Postgres', url: postgresUrl, enabled: postgresUrl !== undefined },
];

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 123);

function candle(symbol: string, minute: number, close: string): Candle {
  const openTime = T0 - 123 + minute * 60_000;
  return {
    symbol,
    interval: '1m',
    openTime,
    closeTime: openTime + 60_000,
    open: close,
    high: close,
    low: close,
    close,
    volume: '1',
    trades: 1,
    source: 'binance',
    complete: true,
    lastTradeTime: openTime + 1_000 + minute,
  };
}

describe.each(adapters)('market data tables on $name', ({ url, enabled }) => {
  let database: Database;
  let drop = async () => {};

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (url) {
      const created = await createTestDatabase(url);
      dbUrl = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url: dbUrl });
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  it.runIf(enabled)('upserts and lists instruments', async () => {
    const eth = { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', status: 'TRADING', source: 'binance' };
    const btc = { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'TRADING', source: 'binance' };
    await upsertInstruments(database.db, [eth, btc]);
    await upsertInstruments(database.db, [{ ...eth, status: 'BREAK', source: 'coinbase' }]);
    const listed = await listInstruments(database.db);
    expect(listed.map(({ updatedAt: _u, ...rest }) => rest)).toEqual([
      btc,
      { ...eth, status: 'BREAK', source: 'coinbase' },
    ]);
    expect(typeof listed[0]?.updatedAt).toBe('number');
    expect(await getInstrument(database.db, 'ETHUSDT')).toMatchObject({ status: 'BREAK' });
    expect(await getInstrument(database.db, 'NOPE')).toBeUndefined();
    const bySymbol = await getInstruments(database.db, ['NOPE', 'BTCUSDT', 'ETHUSDT']);
    expect(bySymbol.map((i) => i?.baseAsset)).toEqual([undefined, 'BTC', 'ETH']);
  });

  it.runIf(enabled)('moves feed cursors only forward, per provider', async () => {
    const big = 2 ** 52 + 7;
    await saveFeedCursors(database.db, 'binance', [
      { symbol: 'ETHUSDT', lastTradeId: 100, lastTradeTime: T0 },
      { symbol: 'BTCUSDT', lastTradeId: big, lastTradeTime: T0 + 5 },
    ]);
    await saveFeedCursors(database.db, 'binance', [
      { symbol: 'ETHUSDT', lastTradeId: 150, lastTradeTime: T0 + 10 },
      { symbol: 'BTCUSDT', lastTradeId: 3, lastTradeTime: T0 },
    ]);
    await saveFeedCursors(database.db, 'coinbase', [{ symbol: 'ETHUSDT', lastTradeId: 1, lastTradeTime: T0 }]);
    const cursors = await loadFeedCursors(database.db, 'binance');
    expect(Object.fromEntries(cursors)).toEqual({
      ETHUSDT: { symbol: 'ETHUSDT', lastTradeId: 150, lastTradeTime: T0 + 10 },
      BTCUSDT: { symbol: 'BTCUSDT', lastTradeId: big, lastTradeTime: T0 + 5 },
    });
    expect((await loadFeedCursors(database.db, 'coinbase')).get('ETHUSDT')?.lastTradeId).toBe(1);
    expect((await loadFeedCursors(database.db, 'kraken')).size).toBe(0);
  });

  it.runIf(enabled)('replaces each provider status', async () => {
    const primary: FeedStatusRecord = {
      provider: 'binance',
      role: 'PRIMARY',
      active: true,
      state: 'CONNECTED',
      detail: null,
      lastMessageAt: T0,
      lagMs: 12.5,
      reconnects: 1,
      gapsFilled: 2,
      tradesBackfilled: 300,
      tradesQuarantined: 4,
      quarantine: { PRICE_BAND: 3, DUPLICATE_ID: 1 },
      updatedAt: T0 + 1,
    };
    const backup: FeedStatusRecord = {
      ...primary,
      provider: 'coinbase',
      role: 'BACKUP',
      active: false,
      state: 'BREAKER_OPEN',
      detail: 'HTTP 429',
      lastMessageAt: null,
      lagMs: null,
      quarantine: {},
    };
    await saveFeedStatus(database.db, [primary, backup]);
    const failedOver = { ...primary, active: false, state: 'STALE', detail: 'no message for 10 s', reconnects: 2 };
    await saveFeedStatus(database.db, [failedOver, { ...backup, active: true, state: 'CONNECTED', detail: null }]);
    expect(await listFeedStatus(database.db)).toEqual([
      failedOver,
      { ...backup, active: true, state: 'CONNECTED', detail: null },
    ]);
  });

  it.runIf(enabled)('keeps the newest quarantined trades per provider and lists them newest first', async () => {
    const trade = (provider: string, i: number): QuarantinedTradeInput => ({
      provider,
      symbol: i % 2 === 0 ? 'ETHUSDT' : 'BTCUSDT',
      tradeId: String(1000 + i),
      price: i === 0 ? '-1' : '0.000000001',
      quantity: '1.5',
      time: T0 + i,
      reason: i === 0 ? 'NON_POSITIVE' : 'TOO_PRECISE',
      detail: `trade ${i}`,
      quarantinedAt: T0 + i * 10,
    });
    await insertQuarantinedTrades(database.db, [trade('coinbase', 0), trade('coinbase', 1)]);
    const many = Array.from({ length: QUARANTINE_KEPT + 50 }, (_, i) => trade('binance', i));
    await insertQuarantinedTrades(database.db, many.slice(0, 100));
    await insertQuarantinedTrades(database.db, many.slice(100));

    const binance = await listQuarantinedTrades(database.db, { provider: 'binance', last: 1_000 });
    expect(binance.length).toBe(QUARANTINE_KEPT);
    expect(binance.map((t) => t.tradeId)).toEqual(
      many
        .slice(-QUARANTINE_KEPT)
        .reverse()
        .map((t) => t.tradeId),
    );
    const [newest] = binance;
    const { quarantinedAt: _q, ...expected } = many.at(-1) as QuarantinedTradeInput;
    expect(newest).toMatchObject({ ...expected, quarantinedAt: T0 + (QUARANTINE_KEPT + 49) * 10 });
    expect(typeof newest?.id).toBe('number');

    const coinbase = await listQuarantinedTrades(database.db, { provider: 'coinbase', last: 10 });
    expect(coinbase.map((t) => [t.tradeId, t.price, t.reason])).toEqual([
      ['1001', '0.000000001', 'TOO_PRECISE'],
      ['1000', '-1', 'NON_POSITIVE'],
    ]);
    const eth = await listQuarantinedTrades(database.db, { provider: 'coinbase', symbol: 'ETHUSDT', last: 10 });
    expect(eth.map((t) => t.tradeId)).toEqual(['1000']);
    expect((await listQuarantinedTrades(database.db, { last: 3 })).map((t) => t.tradeId)).toEqual([
      '1249',
      '1248',
      '1247',
    ]);
  });

  it.runIf(enabled)('moves engine progress only forward, per consumer and series', async () => {
    await saveEngineProgress(database.db, 'engine', [
      { symbol: 'ETHUSDT', interval: '1m', lastOpenTime: T0 },
      { symbol: 'ETHUSDT', interval: '5m', lastOpenTime: T0 + 300_000 },
    ]);
    await saveEngineProgress(database.db, 'engine', [
      { symbol: 'ETHUSDT', interval: '1m', lastOpenTime: T0 + 60_000 },
      { symbol: 'ETHUSDT', interval: '5m', lastOpenTime: T0 },
    ]);
    await saveEngineProgress(database.db, 'other', [{ symbol: 'BTCUSDT', interval: '1m', lastOpenTime: 1 }]);
    const progress = await loadEngineProgress(database.db, 'engine');
    expect(progress).toEqual(
      new Map([
        [`ETHUSDT\u00001m`, T0 + 60_000],
        [`ETHUSDT\u00005m`, T0 + 300_000],
      ]),
    );
    expect(progressKey('ETHUSDT', '1m')).toBe('ETHUSDT\u00001m');
    expect((await loadEngineProgress(database.db, 'nobody')).size).toBe(0);
  });

  it.runIf(enabled)('reads the newest candle of many symbols at once, in key order', async () => {
    await insertCandles(database.db, [
      candle('LA', 1, '1.1'),
      candle('LA', 3, '1.3'),
      candle('LA', 2, '1.2'),
      candle('LB', 1, '2.1'),
    ]);
    const newest = await latestCandles(database.db, ['LB', 'NONE', 'LA', 'LB'], '1m');
    expect(newest.map((c) => c?.close)).toEqual(['2.1', undefined, '1.3', '2.1']);
    expect(newest[2]).toEqual(candle('LA', 3, '1.3'));
    expect(await latestCandles(database.db, [], '1m')).toEqual([]);
  });
});
