import { createServer } from 'node:net';
import type { Trade } from '@alphintra/core';
import {
  type BinanceTradePayload,
  type FakeBinance,
  mergeByTime,
  readBinanceTrades,
  startFakeBinance,
} from '@alphintra/testkit';
import Big from 'big.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLED_TRADES } from '../fixtures.ts';
import { BinanceProvider, type BinanceProviderOptions } from './binance.ts';
import type { BadInput, FeedListener, FeedState } from './types.ts';

const RECORDED = readBinanceTrades(BUNDLED_TRADES);

/** The recording under another symbol, as a second market. */
const rekey = (trades: readonly BinanceTradePayload[], symbol: string): BinanceTradePayload[] =>
  trades.map((trade) => ({ ...trade, s: symbol }));

let fake: FakeBinance | null = null;
let provider: BinanceProvider | null = null;

afterEach(async () => {
  await provider?.stop();
  await fake?.close();
  provider = null;
  fake = null;
});

interface Collected {
  readonly listener: FeedListener;
  readonly trades: Trade[];
  readonly states: FeedState[];
  readonly bad: BadInput[];
  connected: number;
}

function collector(): Collected {
  const collected: Collected = {
    trades: [],
    states: [],
    bad: [],
    connected: 0,
    listener: {
      onTrades: (trades) => collected.trades.push(...trades),
      onState: (state) => collected.states.push(state),
      onConnected: () => {
        collected.connected++;
      },
      onBadInput: (bad) => collected.bad.push(bad),
    },
  };
  return collected;
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function makeProvider(server: FakeBinance, extra: BinanceProviderOptions = {}): BinanceProvider {
  provider = new BinanceProvider({
    wsUrl: server.wsUrl,
    restUrl: server.restUrl,
    backoff: { initialMs: 20, maxMs: 200 },
    restBackoff: { initialMs: 10, maxMs: 50 },
    breaker: { failures: 3, cooldownMs: 60_000 },
    ...extra,
  });
  return provider;
}

/** Starts the provider with the fake's clock paused, so that no trade is published before the subscription. */
async function startPaused(server: FakeBinance, symbols: string[], extra: BinanceProviderOptions = {}) {
  server.pause();
  const made = makeProvider(server, extra);
  const collected = collector();
  made.setSymbols(symbols);
  await made.start(collected.listener);
  await until(() => collected.connected === 1, 'the first subscription');
  server.resume();
  return { provider: made, collected };
}

const ids = (trades: readonly { tradeId: string }[]): number[] => trades.map((trade) => Number(trade.tradeId));

describe('BinanceProvider against the fake Binance', () => {
  it('streams live trades, normalized, in id order', async () => {
    const recorded = RECORDED.slice(0, 300);
    fake = await startFakeBinance({ trades: recorded, ratePerSecond: 300 });
    const { collected } = await startPaused(fake, ['XRPETH']);
    await until(() => collected.trades.length === recorded.length, 'every trade');

    expect(ids(collected.trades)).toEqual(recorded.map((trade) => trade.t));
    collected.trades.forEach((trade, index) => {
      const payload = recorded[index];
      expect(trade).toMatchObject({
        source: 'binance',
        symbol: 'XRPETH',
        price: payload?.p,
        quantity: payload?.q,
        takerSide: payload?.m ? 'SELL' : 'BUY',
      });
    });
    expect(fake.subscriptions()).toEqual([['xrpeth@trade']]);
    const stats = provider?.stats();
    expect(stats?.state).toBe('CONNECTED');
    expect(stats?.lagMs).not.toBeNull();
    expect(collected.bad).toEqual([]);
  });

  it('subscribes and unsubscribes the difference, paced under the message limit even for 50 symbols at once', async () => {
    const recorded = RECORDED.slice(0, 2000);
    fake = await startFakeBinance({ trades: mergeByTime(recorded, rekey(recorded, 'XRPBNB')), ratePerSecond: 200 });
    // Five streams per message: 50 new symbols take ten SUBSCRIBE messages, more than one second's budget.
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH'], { streamsPerMessage: 5 });
    const others = Array.from({ length: 49 }, (_, index) => `SYM${index}ETH`);
    binance.setSymbols(['XRPETH', 'XRPBNB', ...others]);
    await until(() => fake?.subscriptions()[0]?.length === 51, 'all 51 streams');
    expect(new Set(fake.subscriptions()[0])).toEqual(
      new Set(['XRPETH', 'XRPBNB', ...others].map((symbol) => `${symbol.toLowerCase()}@trade`)),
    );

    binance.setSymbols(['XRPBNB']);
    await until(() => fake?.subscriptions()[0]?.length === 1, 'the unsubscriptions');
    expect(fake.subscriptions()).toEqual([['xrpbnb@trade']]);
    await until(() => collected.trades.some((trade) => trade.symbol === 'XRPBNB'), 'an XRPBNB trade');

    expect(fake.violations).toBe(0);
    expect(fake.controlMessages).toBeLessThanOrEqual(5);
    expect(fake.connections).toBe(1);
    expect(collected.connected).toBe(1);
  });

  it('opens a second connection past maxStreamsPerConnection', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 10), maxStreamsPerConnection: 4 });
    const binance = makeProvider(fake, { maxStreamsPerConnection: 4 });
    const collected = collector();
    binance.setSymbols(['AETH', 'BETH', 'CETH', 'DETH', 'EETH', 'FETH']);
    await binance.start(collected.listener);
    await until(() => collected.connected === 2, 'both connections');
    const streams = fake.subscriptions().map((list) => list.length);
    expect(streams.sort()).toEqual([2, 4]);
    expect(fake.violations).toBe(0);
  });

  it('reconnects after a drop, with backoff, and reports the new connection', async () => {
    const recorded = RECORDED.slice(0, 1000);
    fake = await startFakeBinance({ trades: recorded, ratePerSecond: 200 });
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH']);
    await until(() => collected.trades.length > 20, 'some trades');
    fake.drop();
    await until(() => collected.connected === 2, 'the reconnect');
    expect(collected.states).toContain('BACKOFF');
    expect(binance.stats().reconnects).toBe(1);
    const before = collected.trades.length;
    await until(() => collected.trades.length > before + 20, 'trades after the reconnect');
    expect(binance.stats().state).toBe('CONNECTED');
  });

  it('declares STALE after a stall longer than staleAfterMs, then reconnects', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 2000), ratePerSecond: 200 });
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH'], { staleAfterMs: 400 });
    await until(() => collected.trades.length > 10, 'some trades');
    fake.stall(1_500);
    await until(() => collected.states.includes('STALE'), 'STALE');
    await until(() => collected.connected === 2 && binance.stats().state === 'CONNECTED', 'the reconnect');
    expect(fake.connections).toBe(2);
    expect(binance.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('skips malformed frames, reporting each by kind, while trades keep flowing', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 2000), ratePerSecond: 200 });
    const { collected } = await startPaused(fake, ['XRPETH']);
    await until(() => collected.trades.length > 10, 'some trades');
    fake.sendRaw('{"stream":"xrpeth@trade","data":{"e":"tra');
    fake.sendRaw('{"stream":"xrpeth@trade","data":{"e":"trade","E":1570752011623,"s":"XRPETH","t":13519807}}');
    fake.sendRaw(
      '{"stream":"xrpeth@trade","data":{"e":"trade","E":1,"s":"XRPETH","t":1,"p":"-1","q":"1","T":1,"m":true}}',
    );
    fake.sendRaw('{"stream":"xrpeth@depth","data":{"e":"depthUpdate","E":1}}');
    fake.sendRaw('[1,2,3]');
    await until(() => collected.bad.length === 5, 'five bad frames');
    expect(collected.bad.map((bad) => bad.kind)).toEqual([
      'invalid-json',
      'malformed-trade',
      'malformed-trade',
      'unknown-event',
      'unknown-event',
    ]);
    const before = collected.trades.length;
    await until(() => collected.trades.length > before + 20, 'trades after the bad frames');
    const received = ids(collected.trades);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('fetchTradesFrom returns exactly the ids the stream skipped', async () => {
    const recorded = RECORDED.slice(0, 400);
    fake = await startFakeBinance({ trades: recorded, ratePerSecond: 400 });
    const from = recorded[100]?.t ?? 0;
    const to = recorded[149]?.t ?? 0;
    fake.skipIds(from, to);
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH']);
    await until(() => collected.trades.length === recorded.length - 50, 'every trade sent');
    expect(ids(collected.trades).filter((id) => id >= from && id <= to)).toEqual([]);

    const backfill = await binance.fetchTradesFrom('XRPETH', String(from), to - from + 1);
    const expected = recorded.filter((trade) => trade.t >= from && trade.t <= to);
    expect(ids(backfill)).toEqual(expected.map((trade) => trade.t));
    backfill.forEach((trade, index) => {
      expect(trade).toMatchObject({ source: 'binance', symbol: 'XRPETH', price: expected[index]?.p });
      expect(trade.quantity).toBe(expected[index]?.q);
    });
    const request = fake.requests.find((entry) => entry.path === '/api/v3/historicalTrades');
    expect(request?.query).toEqual({ symbol: 'XRPETH', fromId: String(from), limit: String(to - from + 1) });
  });

  it('waits at least Retry-After after a 429', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 10) });
    const binance = makeProvider(fake);
    fake.rateLimit(1, 1);
    const listed = await binance.listSymbols();
    expect(listed.get('XRPETH')).toEqual({ symbol: 'XRPETH', status: 'TRADING', baseAsset: 'XRP', quoteAsset: 'ETH' });
    const [throttled, retried] = fake.requests;
    expect(throttled?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(binance.restStats().throttled).toBe(1);
  });

  it('opens the REST breaker after N failures and reports the HTML error bodies', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 10) });
    const binance = makeProvider(fake, { restRetries: 10 });
    const collected = collector();
    await binance.start(collected.listener);
    fake.failRest(100, 502);
    await expect(binance.fetchTradesFrom('XRPETH', '1', 10)).rejects.toThrow(/circuit breaker open/);
    expect(fake.requests).toHaveLength(3);
    expect(binance.restStats().breakerOpen).toBe(true);
    expect(collected.bad.map((bad) => bad.kind)).toEqual(['rest-error', 'rest-error', 'rest-error']);
    await expect(binance.listSymbols()).rejects.toThrow(/circuit breaker open/);
    expect(fake.requests).toHaveLength(3);
  });

  it('opens the websocket breaker after N failed connects and reports BREAKER_OPEN', async () => {
    const port = await freePort();
    const binance = new BinanceProvider({
      wsUrl: `ws://127.0.0.1:${port}`,
      restUrl: `http://127.0.0.1:${port}`,
      backoff: { initialMs: 10, maxMs: 50 },
      breaker: { failures: 3, cooldownMs: 60_000 },
    });
    provider = binance;
    const collected = collector();
    binance.setSymbols(['XRPETH']);
    await binance.start(collected.listener);
    await until(() => binance.stats().state === 'BREAKER_OPEN', 'the breaker');
    expect(collected.states.at(-1)).toBe('BREAKER_OPEN');
    expect(collected.connected).toBe(0);
  });

  it('rotates connections before the exchange cuts them, losing no trade across the rotations', async () => {
    const recorded = RECORDED.slice(0, 600);
    fake = await startFakeBinance({ trades: recorded, ratePerSecond: 200, maxConnectionMs: 1_200 });
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH'], { maxConnectionMs: 700 });
    await until(() => new Set(ids(collected.trades)).size === recorded.length, 'every trade id', 30_000);

    const unique = [...new Set(ids(collected.trades))].sort((a, b) => a - b);
    expect(unique).toEqual(recorded.map((trade) => trade.t));
    expect(binance.stats().reconnects).toBeGreaterThanOrEqual(2);
    expect(collected.connected).toBe(binance.stats().reconnects + 1);
    expect(collected.states).not.toContain('BACKOFF');
    expect(fake.violations).toBe(0);
  });

  it('replaces the connection on serverShutdown without a gap', async () => {
    const recorded = RECORDED.slice(0, 600);
    fake = await startFakeBinance({ trades: recorded, ratePerSecond: 300 });
    const { provider: binance, collected } = await startPaused(fake, ['XRPETH']);
    await until(() => collected.trades.length > 50, 'some trades');
    fake.serverShutdown();
    await until(() => collected.connected === 2, 'the replacement');
    await until(() => new Set(ids(collected.trades)).size === recorded.length, 'every trade id');
    expect(binance.stats().reconnects).toBe(1);
    await until(() => fake?.subscriptions().length === 1, 'the old connection to close');
  });

  it('answers ping frames, which count as messages', async () => {
    fake = await startFakeBinance({ trades: RECORDED.slice(0, 10), pingIntervalMs: 60_000, paused: true });
    const binance = makeProvider(fake);
    const collected = collector();
    binance.setSymbols(['XRPETH']);
    await binance.start(collected.listener);
    await until(() => collected.connected === 1, 'the connection');
    const before = binance.stats().lastMessageAt ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fake.ping();
    expect(binance.stats().lastMessageAt ?? 0).toBeGreaterThan(before);
  });

  it('fetches closed candles from klines', async () => {
    // Recorded times kept: every candle is long closed; the fast clock publishes everything at once.
    const recorded = RECORDED.slice(0, 3000);
    fake = await startFakeBinance({ trades: recorded, retime: false, ratePerSecond: 1_000_000 });
    const binance = makeProvider(fake);
    const first = recorded[0]?.T ?? 0;
    const start = Math.floor(first / 60_000) * 60_000;
    const candles = await binance.fetchCandles('XRPETH', '1m', start, start + 10 * 60_000, 1000);

    // Expected figures straight from the recorded trades.
    const byMinute = new Map<number, BinanceTradePayload[]>();
    for (const trade of recorded) {
      const minute = Math.floor(trade.T / 60_000) * 60_000;
      if (minute >= start + 10 * 60_000) continue;
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), trade]);
    }
    expect(candles.map((candle) => candle.openTime)).toEqual([...byMinute.keys()]);
    for (const candle of candles) {
      const trades = byMinute.get(candle.openTime) ?? [];
      const prices = trades.map((trade) => Number(trade.p));
      expect(candle).toMatchObject({
        symbol: 'XRPETH',
        interval: '1m',
        closeTime: candle.openTime + 60_000,
        lastTradeTime: candle.openTime + 59_999,
        open: trades[0]?.p,
        close: trades.at(-1)?.p,
        trades: trades.length,
        source: 'binance',
        complete: true,
      });
      expect(Number(candle.high)).toBe(Math.max(...prices));
      expect(Number(candle.low)).toBe(Math.min(...prices));
      expect(new Big(candle.volume).eq(trades.reduce((sum, trade) => sum.plus(trade.q), new Big(0)))).toBe(true);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
