import { readFileSync } from 'node:fs';
import type { Trade } from '@alphintra/core';
import { ETHUSDT_TRADES_CSV, type FakeCoinbase, readCoinbaseTape, startFakeCoinbase } from '@alphintra/testkit';
import Big from 'big.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MalformedTradeError } from '../trade.ts';
import { CoinbaseProvider, normalizeCoinbaseMatch, parseSymbolMap, SymbolMapError } from './coinbase.ts';
import type { BadInput, FeedListener, FeedState } from './types.ts';

/** The recorded rows as the file says them: `side` is the taker's. */
interface Row {
  readonly time: number;
  readonly id: number;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly amount: string;
}

function readRows(): Row[] {
  const [header = '', ...lines] = readFileSync(ETHUSDT_TRADES_CSV, 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const cell = (name: string): string => cells[names.indexOf(name)] ?? '';
    return {
      time: Number(cell('timestamp')),
      id: Number(cell('id')),
      side: cell('side') as 'buy' | 'sell',
      price: cell('price'),
      amount: cell('amount'),
    };
  });
}

const ROWS = readRows();
const row = (index: number): Row => ROWS[index] as Row;
const PRODUCTS = new Map([
  ['ETHUSDT', 'ETH-USDT'],
  ['XRPETH', 'XRP-ETH'],
]);

function expectedTrade(r: Row): Trade {
  return {
    source: 'coinbase',
    symbol: 'ETHUSDT',
    tradeId: String(r.id),
    time: r.time,
    price: r.price,
    quantity: r.amount,
    priceNum: Number(r.price),
    quantityNum: Number(r.amount),
    takerSide: r.side === 'buy' ? 'BUY' : 'SELL',
  };
}

function recorder() {
  const seen = { trades: [] as Trade[], states: [] as FeedState[], connected: 0, bad: [] as BadInput[] };
  const listener: FeedListener = {
    onTrades: (trades) => seen.trades.push(...trades),
    onState: (state) => seen.states.push(state),
    onConnected: () => {
      seen.connected++;
    },
    onBadInput: (bad) => seen.bad.push(bad),
  };
  return { seen, listener };
}

/** Waits (polling) until `condition` holds; fails with `what` if it never does. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let fake: FakeCoinbase | null = null;
let provider: CoinbaseProvider | null = null;

afterEach(async () => {
  await provider?.stop();
  await fake?.close();
  provider = null;
  fake = null;
});

async function setUp(options: { published?: number; paused?: boolean; staleAfterMs?: number; extra?: string[] }) {
  fake = await startFakeCoinbase({
    trades: readCoinbaseTape(ETHUSDT_TRADES_CSV, 'ETH-USDT'),
    ratePerSecond: 2_000,
    published: options.published ?? 1,
    paused: options.paused ?? true,
    extraProducts: options.extra ?? [],
  });
  provider = new CoinbaseProvider({
    wsUrl: fake.wsUrl,
    restUrl: fake.restUrl,
    products: PRODUCTS,
    staleAfterMs: options.staleAfterMs ?? 10_000,
    requestsPerSecond: 50,
    backoff: { initialMs: 20, maxMs: 200 },
    breaker: { failures: 20, cooldownMs: 1_000 },
  });
  return { fake, provider };
}

describe('normalizeCoinbaseMatch', () => {
  // The match example of the Coinbase Exchange WebSocket channel documentation.
  const docsMatch = {
    type: 'match',
    trade_id: 10,
    sequence: 50,
    maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
    taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
    time: '2014-11-07T08:19:27.028459Z',
    product_id: 'BTC-USD',
    size: '5.23512',
    price: '400.23',
    side: 'sell',
  };
  const symbolOf = (product: string) => (product === 'BTC-USD' ? 'BTCUSD' : undefined);

  it('maps a match: maker side inverted, exact decimals, microseconds cut to ms', () => {
    expect(normalizeCoinbaseMatch(docsMatch, symbolOf)).toEqual({
      source: 'coinbase',
      symbol: 'BTCUSD',
      tradeId: '10',
      time: Date.UTC(2014, 10, 7, 8, 19, 27, 28),
      price: '400.23',
      quantity: '5.23512',
      priceNum: 400.23,
      quantityNum: 5.23512,
      takerSide: 'BUY',
    });
    const lastMatch = normalizeCoinbaseMatch({ ...docsMatch, type: 'last_match', side: 'buy' }, symbolOf);
    expect(lastMatch.takerSide).toBe('SELL');
  });

  it.each([
    ['not an object', 'match'],
    ['another type', { ...docsMatch, type: 'ticker' }],
    ['an unmapped product', { ...docsMatch, product_id: 'ETH-EUR' }],
    ['a numeric price', { ...docsMatch, price: 400.23 }],
    ['an exponent size', { ...docsMatch, size: '5e-3' }],
    ['a negative price', { ...docsMatch, price: '-1' }],
    ['an unknown side', { ...docsMatch, side: 'up' }],
    ['a time without zone', { ...docsMatch, time: '2014-11-07T08:19:27.028459' }],
    ['a fractional trade id', { ...docsMatch, trade_id: 10.5 }],
  ])('throws MalformedTradeError on %s', (_what, payload) => {
    expect(() => normalizeCoinbaseMatch(payload, symbolOf)).toThrow(MalformedTradeError);
  });
});

describe('parseSymbolMap', () => {
  it('parses the configuration string', () => {
    expect(parseSymbolMap('ETHUSDT=ETH-USDT, XRPETH=XRP-ETH')).toEqual(PRODUCTS);
  });

  it.each([
    ['', /empty/],
    ['ETHUSDT', /entry 1 .*SYMBOL=BASE-QUOTE/],
    ['ETHUSDT=ETH-USDT,,XRPETH=XRP-ETH', /entry 2 .*empty/],
    ['ETHUSDT=ETHUSDT', /product must be BASE-QUOTE/],
    ['ethusdt=ETH-USDT', /symbol must be upper-case/],
    ['=ETH-USDT', /symbol must be upper-case/],
    ['ETHUSDT=ETH-USDT=X', /entry 1/],
    ['ETHUSDT=ETH-USDT,ETHUSDT=ETH-USD', /ETHUSDT is mapped twice/],
    ['ETHUSDT=ETH-USDT,ETHUSD=ETH-USDT', /ETH-USDT is already mapped to ETHUSDT/],
  ])('rejects %j', (value, message) => {
    expect(() => parseSymbolMap(value)).toThrow(SymbolMapError);
    expect(() => parseSymbolMap(value)).toThrow(message);
  });
});

describe('CoinbaseProvider against a fake Coinbase Exchange', () => {
  it('subscribes at once, then delivers every trade normalized in id order', async () => {
    const { fake, provider } = await setUp({});
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT', 'BTCUSDT']);
    provider.setSymbols(['ETHUSDT', 'BTCUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1, 'the subscriptions answer');

    expect(fake.sent).toEqual([{ type: 'subscribe', product_ids: ['ETH-USDT'], channels: ['matches', 'heartbeat'] }]);
    expect(fake.kicked()).toBe(0);
    expect(seen.bad.filter((bad) => bad.kind === 'unmapped-symbol')).toHaveLength(1);
    expect(seen.states).toEqual(['CONNECTED']);

    const resumedAt = Date.now();
    fake.resume();
    await until(() => seen.trades.length >= ROWS.length, 'every trade');
    // The first comes as the `last_match` of the subscription, the others as `match`.
    expect(seen.trades).toEqual(ROWS.map(expectedTrade));
    expect(provider.stats().state).toBe('CONNECTED');
    // Recorded trades arrive long after their exchange time: the lag is arrival minus exchange time, positive.
    const lastTime = (seen.trades.at(-1) as Trade).time;
    expect(provider.stats().lagMs).toBeGreaterThanOrEqual(resumedAt - lastTime);
    expect(provider.stats().lagMs).toBeLessThanOrEqual(Date.now() - lastTime);
  });

  it('is held to the 5 s subscribe rule: the fake closes a connection that does not subscribe', async () => {
    const { fake } = await setUp({});
    const silent = new WebSocket(fake.wsUrl);
    await new Promise((resolve) => silent.once('close', resolve));
    expect(fake.kicked()).toBe(1);
  });

  it('subscribes and unsubscribes the difference when the symbols change', async () => {
    const { fake, provider } = await setUp({ extra: ['XRP-ETH'] });
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1, 'the subscription');

    provider.setSymbols(['ETHUSDT', 'XRPETH']);
    provider.setSymbols(['XRPETH']);
    await until(() => fake.sent.length === 3, 'the subscription changes');
    expect(fake.sent.slice(1)).toEqual([
      { type: 'subscribe', product_ids: ['XRP-ETH'], channels: ['matches', 'heartbeat'] },
      { type: 'unsubscribe', product_ids: ['ETH-USDT'], channels: ['matches', 'heartbeat'] },
    ]);
    expect(seen.bad).toEqual([]);
    expect(seen.connected).toBe(1);
  });

  it('subscribes again and calls onConnected after the connection drops', async () => {
    const { fake, provider } = await setUp({ published: 10 });
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1, 'the first subscription');

    fake.drop();
    await until(() => seen.connected === 2, 'the second subscription');
    expect(fake.connections()).toBe(2);
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[1]).toEqual(fake.sent[0]);
    expect(seen.states).toEqual(['CONNECTED', 'BACKOFF', 'CONNECTED']);
    expect(provider.stats().reconnects).toBe(1);
    // Each subscription starts with the product's last trade.
    expect(seen.trades.map((trade) => trade.tradeId)).toEqual([String(row(9).id), String(row(9).id)]);
  });

  it('goes STALE when the feed stalls, then reconnects and subscribes again', async () => {
    const { fake, provider } = await setUp({ staleAfterMs: 1_500 });
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1, 'the first subscription');

    fake.stall(60_000);
    await until(() => seen.connected === 2, 'the subscription after the stall');
    expect(seen.states.slice(0, 2)).toEqual(['CONNECTED', 'STALE']);
    expect(seen.states.at(-1)).toBe('CONNECTED');
    expect(fake.connections()).toBe(2);
    expect(provider.stats().reconnects).toBe(1);
  });

  it('reports unusable frames by kind, skips them and goes on', async () => {
    const { fake, provider } = await setUp({});
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1 && seen.trades.length === 1, 'the subscription');

    const match = {
      type: 'match',
      trade_id: row(1).id,
      maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
      taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
      side: 'buy',
      size: row(1).amount,
      price: row(1).price,
      product_id: 'ETH-USDT',
      sequence: 2_000,
      time: '2023-02-02T09:20:00.214000Z',
    };
    fake.sendRaw('{"type":"match",');
    fake.sendRaw(JSON.stringify({ type: 'ticker', product_id: 'ETH-USDT', price: '1666.8' }));
    fake.sendRaw(JSON.stringify({ ...match, price: 'NaN' }));
    fake.sendRaw(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'test' }));
    fake.sendRaw(JSON.stringify(match));
    await until(() => seen.trades.length === 2, 'the valid match after the bad frames');

    expect(seen.bad.map((bad) => bad.kind)).toEqual(['invalid-json', 'unknown-event', 'malformed-trade', 'error']);
    expect(seen.bad[0]?.sample).toBe('{"type":"match",');
    expect(seen.trades[1]).toEqual(expectedTrade(row(1)));
    expect(seen.states).toEqual(['CONNECTED']);
  });

  it('backfills exactly the trades the feed skipped, and a heartbeat reveals a lost tail', async () => {
    const { fake, provider } = await setUp({});
    const { seen, listener } = recorder();
    provider.setSymbols(['ETHUSDT']);
    await provider.start(listener);
    await until(() => seen.connected === 1, 'the subscription');

    fake.skipIds(row(100).id, row(349).id);
    fake.skipIds(row(950).id, row(999).id);
    fake.resume();
    await until(() => fake.printed('ETH-USDT') === ROWS.length, 'the whole tape');
    await until(() => seen.connected === 2, 'the heartbeat that announces the lost tail');
    const live = new Set(seen.trades.map((trade) => Number(trade.tradeId)));
    const missing = ROWS.filter((r) => !live.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([...ROWS.slice(100, 350), ...ROWS.slice(950)].map((r) => r.id));

    const backfill = await provider.fetchTradesFrom('ETHUSDT', String(row(100).id), 250);
    expect(backfill).toEqual(ROWS.slice(100, 350).map(expectedTrade));

    // More than one page: the second request continues from the newest id of the first (the CB-BEFORE cursor).
    fake.requests.length = 0;
    const all = await provider.fetchTradesFrom('ETHUSDT', String(row(0).id), 1_200);
    expect(all).toEqual(ROWS.map(expectedTrade));
    expect(fake.requests.map((request) => request.query)).toEqual([
      { before: String(row(0).id - 1), limit: '1000' },
      { before: String(row(999).id), limit: '200' },
    ]);
  });

  it('lists the mapped products by platform symbol', async () => {
    const { provider } = await setUp({ extra: ['BTC-USD'] });
    const listed = await provider.listSymbols();
    expect([...listed.values()]).toEqual([
      { symbol: 'ETHUSDT', status: 'TRADING', baseAsset: 'ETH', quoteAsset: 'USDT' },
    ]);
  });

  it('fetches 1m candles, and 4h candles rolled up from 1h rows', async () => {
    const { fake, provider } = await setUp({ published: ROWS.length });
    const minute = 60_000;
    const first = Math.floor(row(0).time / minute) * minute;
    const expected = (rows: Row[]) => ({
      open: rows[0]?.price,
      high: String(Math.max(...rows.map((r) => Number(r.price)))),
      low: String(Math.min(...rows.map((r) => Number(r.price)))),
      close: rows.at(-1)?.price,
      volume: rows.reduce((sum, r) => sum.plus(r.amount), new Big(0)).toString(),
    });
    const minutes = await provider.fetchCandles('ETHUSDT', '1m', first, first + 10 * minute, 100);
    expect(minutes.map((candle) => candle.openTime)).toEqual([0, 1, 2, 3].map((i) => first + i * minute));
    for (const candle of minutes) {
      const inMinute = ROWS.filter((r) => r.time >= candle.openTime && r.time < candle.closeTime);
      expect(candle).toMatchObject({ symbol: 'ETHUSDT', interval: '1m', source: 'coinbase', complete: true });
      expect(candle).toMatchObject(expected(inMinute));
    }

    const fourHours = 4 * 3_600_000;
    const block = Math.floor(row(0).time / fourHours) * fourHours;
    fake.requests.length = 0;
    const candles = await provider.fetchCandles('ETHUSDT', '4h', block, block + fourHours, 10);
    expect(candles).toHaveLength(1);
    expect(candles[0]).toMatchObject({
      interval: '4h',
      openTime: block,
      closeTime: block + fourHours,
      ...expected(ROWS),
    });
    expect(fake.requests.every((request) => request.query['granularity'] === '3600')).toBe(true);
  });
});
