import { DEVELOPMENT_IDENTITY } from '@alphintra/auth';
import { type Candle, candleChannel, INTERVALS, type Interval } from '@alphintra/core';
import {
  type Database,
  DrizzleCandleStore,
  insertQuarantinedTrades,
  openDatabase,
  saveFeedStatus,
  upsertInstruments,
} from '@alphintra/db';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type MarketDataServiceDeps } from './context.ts';
import { Subscription } from './resolvers/Subscription.ts';
import { startMarketDataSubgraph } from './subgraph.ts';

const T0 = Date.UTC(2024, 2, 1);
const MINUTE = 60_000;

function candle(symbol: string, minute: number, close: string, interval: Interval = '1m'): Candle {
  const openTime = T0 + minute * INTERVALS[interval];
  return {
    symbol,
    interval,
    openTime,
    closeTime: openTime + INTERVALS[interval],
    open: '1.0',
    high: '2.00000001',
    low: '0.00000001',
    close,
    volume: '10.5',
    trades: 3,
    source: minute === 2 ? 'binance,coinbase' : 'binance',
    complete: minute !== 1,
    lastTradeTime: openTime + 40_000 + minute,
  };
}

interface Response {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

describe('the market-data subgraph', () => {
  let database: Database;
  let subgraph: RunningSubgraph;
  let deps: MarketDataServiceDeps;

  async function query(source: string, variables: Record<string, unknown> = {}): Promise<Response> {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: source, variables }),
    });
    return (await response.json()) as Response;
  }

  const errorsOf = (response: Response) =>
    response.errors?.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));

  beforeAll(async () => {
    database = await openDatabase({});
    const candles = new DrizzleCandleStore(database.db);
    await upsertInstruments(database.db, [
      { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', status: 'TRADING', source: 'binance' },
      { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'BREAK', source: 'binance' },
    ]);
    await candles.put([
      ...[0, 1, 2, 3, 4].map((m) => candle('ETHUSDT', m, `2000.${m}0000001`)),
      candle('ETHUSDT', 0, '1999.5', '5m'),
    ]);
    await saveFeedStatus(database.db, [
      {
        provider: 'binance',
        role: 'PRIMARY',
        active: false,
        state: 'BACKOFF',
        detail: 'socket closed (1006)',
        lastMessageAt: T0 + 5 * MINUTE,
        lagMs: 42.5,
        reconnects: 3,
        gapsFilled: 1,
        tradesBackfilled: 120,
        tradesQuarantined: 3,
        quarantine: { PRICE_BAND: 1, TOO_PRECISE: 2 },
      },
      {
        provider: 'coinbase',
        role: 'BACKUP',
        active: true,
        state: 'CONNECTED',
        detail: null,
        lastMessageAt: null,
        lagMs: null,
        reconnects: 0,
        gapsFilled: 0,
        tradesBackfilled: 0,
        tradesQuarantined: 0,
        quarantine: {},
      },
    ]);
    await insertQuarantinedTrades(
      database.db,
      [1, 2, 3].map((i) => ({
        provider: 'binance',
        symbol: 'ETHUSDT',
        tradeId: String(500 + i),
        price: i === 3 ? '9999999' : `2000.${'1'.repeat(10 + i)}`,
        quantity: '0.5',
        time: T0 + i * 1_000,
        reason: i === 3 ? 'PRICE_BAND' : 'TOO_PRECISE',
        detail: `case ${i}`,
        quarantinedAt: T0 + i * 2_000,
      })),
    );
    deps = { db: database.db, candles, intervals: ['1m', '5m', '1h'], pubsub: new PubSub(), maxCandles: 100 };
    subgraph = await startMarketDataSubgraph(deps, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await subgraph?.close();
    await database?.close();
  });

  it('lists instruments with the last trade of their newest 1m candle', async () => {
    const response = await query('{ instruments { symbol baseAsset quoteAsset status lastPrice lastTradeAt } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.['instruments']).toEqual([
      { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'BREAK', lastPrice: null, lastTradeAt: null },
      {
        symbol: 'ETHUSDT',
        baseAsset: 'ETH',
        quoteAsset: 'USDT',
        status: 'TRADING',
        lastPrice: '2000.40000001',
        lastTradeAt: new Date(T0 + 4 * MINUTE + 40_004).toISOString(),
      },
    ]);
  });

  it('serves candles with their source and completeness, selected by range and last', async () => {
    const fields = 'openTime close source complete';
    const all = await query(`{ candles(symbol: "ethusdt") { ${fields} } }`);
    expect(all.errors).toBeUndefined();
    const expected = [0, 1, 2, 3, 4].map((m) => {
      const c = candle('ETHUSDT', m, `2000.${m}0000001`);
      return { openTime: new Date(c.openTime).toISOString(), close: c.close, source: c.source, complete: c.complete };
    });
    expect(all.data?.['candles']).toEqual(expected);
    const ranged = await query(
      `query ($from: DateTime, $to: DateTime) { candles(symbol: "ETHUSDT", interval: "1m", from: $from, to: $to, last: 2) { ${fields} } }`,
      { from: new Date(T0).toISOString(), to: new Date(T0 + 4 * MINUTE).toISOString() },
    );
    expect(ranged.data?.['candles']).toEqual(expected.slice(2, 4));
    const fiveMinute = await query('{ candles(symbol: "ETHUSDT", interval: "5m") { close } }');
    expect(fiveMinute.data?.['candles']).toEqual([{ close: '1999.5' }]);
    expect((await query('{ candles(symbol: "BTCUSDT", interval: "1h") { close } }')).data?.['candles']).toEqual([]);
  });

  it.each([
    ['an unknown interval', '{ candles(symbol: "ETHUSDT", interval: "2m") { close } }', 'interval'],
    ['an interval not served', '{ candles(symbol: "ETHUSDT", interval: "1d") { close } }', 'interval'],
    ['an unknown symbol', '{ candles(symbol: "DOGEUSDT") { close } }', 'symbol'],
    ['last below 1', '{ candles(symbol: "ETHUSDT", last: 0) { close } }', 'last'],
    ['last over the cap', '{ candles(symbol: "ETHUSDT", last: 101) { close } }', 'last'],
    [
      'from not before to',
      '{ candles(symbol: "ETHUSDT", from: "2024-03-01T00:05:00.000Z", to: "2024-03-01T00:05:00.000Z") { close } }',
      'to',
    ],
  ])('refuses %s as BAD_USER_INPUT naming the argument', async (_case, source, field) => {
    const response = await query(source);
    expect(errorsOf(response)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
    expect(response.data).toBeNull();
  });

  it('shows each feed with its quarantine from the database', async () => {
    const response = await query(`{
      feeds {
        provider role active state detail lastMessageAt lagMs reconnects gapsFilled tradesBackfilled tradesQuarantined
        quarantine { reason count }
        recentQuarantined(last: 2) { provider symbol tradeId price quantity time reason detail quarantinedAt }
      }
    }`);
    expect(response.errors).toBeUndefined();
    const quarantined = (i: number) => ({
      provider: 'binance',
      symbol: 'ETHUSDT',
      tradeId: String(500 + i),
      price: i === 3 ? '9999999' : `2000.${'1'.repeat(10 + i)}`,
      quantity: '0.5',
      time: new Date(T0 + i * 1_000).toISOString(),
      reason: i === 3 ? 'PRICE_BAND' : 'TOO_PRECISE',
      detail: `case ${i}`,
      quarantinedAt: new Date(T0 + i * 2_000).toISOString(),
    });
    expect(response.data?.['feeds']).toEqual([
      {
        provider: 'binance',
        role: 'PRIMARY',
        active: false,
        state: 'BACKOFF',
        detail: 'socket closed (1006)',
        lastMessageAt: new Date(T0 + 5 * MINUTE).toISOString(),
        lagMs: 42.5,
        reconnects: 3,
        gapsFilled: 1,
        tradesBackfilled: 120,
        tradesQuarantined: 3,
        quarantine: [
          { reason: 'TOO_PRECISE', count: 2 },
          { reason: 'PRICE_BAND', count: 1 },
        ],
        recentQuarantined: [quarantined(3), quarantined(2)],
      },
      {
        provider: 'coinbase',
        role: 'BACKUP',
        active: true,
        state: 'CONNECTED',
        detail: null,
        lastMessageAt: null,
        lagMs: null,
        reconnects: 0,
        gapsFilled: 0,
        tradesBackfilled: 0,
        tradesQuarantined: 0,
        quarantine: [],
        recentQuarantined: [],
      },
    ]);
    const tooMany = await query('{ feeds { recentQuarantined(last: 201) { tradeId } } }');
    expect(errorsOf(tooMany)).toEqual([{ code: 'BAD_USER_INPUT', field: 'last' }]);
  });

  it('resolves an Instrument reference by symbol', async () => {
    const response = await query(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Instrument { symbol status lastPrice } } }',
      {
        r: [
          { __typename: 'Instrument', symbol: 'ETHUSDT' },
          { __typename: 'Instrument', symbol: 'NOPE' },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.['_entities']).toEqual([
      { symbol: 'ETHUSDT', status: 'TRADING', lastPrice: '2000.40000001' },
      null,
    ]);
  });

  it('streams the candles published on the series channel, after the same checks', async () => {
    const { subscribe } = Subscription.candles as {
      subscribe: (p: unknown, a: { symbol: string; interval: string }, c: unknown, i: unknown) => Promise<unknown>;
    };
    const open = (symbol: string, interval: string) =>
      subscribe({}, { symbol, interval }, createContext(deps, DEVELOPMENT_IDENTITY), {} as GraphQLResolveInfo);
    const field = (error: unknown) => (error as GraphQLError).extensions['field'];
    await expect(open('ETHUSDT', '1d').catch(field)).resolves.toBe('interval');
    await expect(open('NOPE', '1m').catch(field)).resolves.toBe('symbol');

    const stream = (await open('ethusdt', '5m')) as AsyncIterableIterator<Candle>;
    const next = stream.next();
    const published = candle('ETHUSDT', 1, '2001', '5m');
    await deps.pubsub.publish(candleChannel('ETHUSDT', '1m'), candle('ETHUSDT', 9, '1'));
    await deps.pubsub.publish(candleChannel('ETHUSDT', '5m'), published);
    expect((await next).value).toEqual(published);
    await stream.return?.();
  });
});
