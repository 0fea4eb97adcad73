import { fileURLToPath } from 'node:url';
import {
  AlphintraClient,
  CandlesDocument,
  CreateStrategyDocument,
  FeedsDocument,
  type FeedsQuery,
  InstrumentsDocument,
} from '@alphintra/client';
import { loadConfig, type Platform, silentLog, startPlatform } from '@alphintra/platform';
import {
  type BinanceTradePayload,
  createTestDatabase,
  type FakeBinance,
  readBinanceTrades,
  serviceUrl,
  startFakeBinance,
  uniqueSuffix,
} from '@alphintra/testkit';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceleratedClock,
  binanceHistory,
  expectUserError,
  minutesOf,
  type RecordedTrade,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');

const engines = [
  { engine: 'embedded PGlite', postgres: false, enabled: true },
  { engine: 'Postgres', postgres: true, enabled: databaseUrl !== undefined },
];

const XRPETH_TRADES = fileURLToPath(new URL('../fixtures/market/binance-trade-XRPETH.ndjson', import.meta.url));
const MINUTE = 60_000;
/** Market ms per wall ms: a 1m candle passes in 2 s. */
const SPEED = 30;
/** Trades the fake publishes per wall second: about 400 per candle. */
const RATE = 200;
/** Publication indexes of the scripted events, counted from the first trade the platform can hear. */
const SKIP_AT = 500;
const SKIP_COUNT = 40;
const ZERO_PRICE_AT = 900;
const PRICE_JUMP_AT = 910;
const DROP_AT = 1_300;
const PAUSE_AT = 2_400;
const FIRST_ID = 13_519_807;

/**
 * The recorded XRP/ETH trades with two bad prints spliced in (a zero price and a price ten times the one before),
 * renumbered so that ids stay consecutive, as the exchange would number them.
 */
function tape(): { trades: BinanceTradePayload[]; zeroId: number; jumpId: number; jumpPrice: string } {
  const recorded = readBinanceTrades(XRPETH_TRADES).slice(0, 4_000);
  const trades: BinanceTradePayload[] = [];
  for (const trade of recorded) {
    const index = trades.length;
    if (index === ZERO_PRICE_AT) trades.push({ ...trade, p: '0.00000000' });
    if (index === PRICE_JUMP_AT) trades.push({ ...trade, p: new Big(trade.p).times(10).toFixed(8) });
    trades.push(trade);
  }
  const renumbered = trades.map((trade, i) => ({ ...trade, t: FIRST_ID + i }));
  return {
    trades: renumbered,
    zeroId: FIRST_ID + ZERO_PRICE_AT,
    jumpId: FIRST_ID + PRICE_JUMP_AT,
    jumpPrice: (renumbered[PRICE_JUMP_AT] as BinanceTradePayload).p,
  };
}

describe.each(engines)('live Binance market data on $engine', ({ postgres, enabled }) => {
  let fake: FakeBinance;
  let platform: Platform;
  let client: AlphintraClient;
  let dropDatabase = async () => {};
  const script = tape();
  const clock = acceleratedClock(SPEED);
  const published = () => fake.published.get('XRPETH') ?? 0;
  /** Trades published before the platform subscribed: the platform never hears of them. */
  let unheard = 0;

  beforeAll(async () => {
    if (!enabled) return;
    // Paused until the platform subscribes, so the test knows the first trade it can hear.
    fake = await startFakeBinance({
      trades: script.trades,
      clock,
      ratePerSecond: RATE,
      pingIntervalMs: 250,
      paused: true,
    });
    let dbUrl: string | undefined;
    if (postgres && databaseUrl) {
      const created = await createTestDatabase(databaseUrl);
      dbUrl = created.url;
      dropDatabase = created.drop;
    }
    const { marketData } = loadConfig({
      MARKET_DATA: 'binance',
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_REST_URL: fake.restUrl,
      FEED_HEARTBEAT_MS: '5000',
      // Market ms: at 30x, 9 s of market time is 300 ms of wall time. The platform measures a feed's silence to a
      // 100 ms tick (3 s of market time here), and a busy machine can hold trades in flight for a tenth of a second
      // more: with 1 s (33 ms of wall time) a stall closed a minute before its last trades arrived.
      CANDLE_GRACE_MS: '9000',
      WARMUP_CANDLES: '0',
    });
    platform = await startPlatform(
      testPlatformConfig({ suffix: uniqueSuffix(), databaseUrl: dbUrl, marketData, clock }),
      () => silentLog,
    );
    client = new AlphintraClient({ url: platform.gateway.url });
  });

  afterAll(async () => {
    if (!enabled) return;
    await client?.close();
    await platform?.close();
    await fake?.close();
    await dropDatabase();
  });

  it.runIf(enabled)('accepts strategies only on listed symbols and streams theirs', async () => {
    const { instruments } = await client.request(InstrumentsDocument);
    expect(instruments.map((i) => [i.symbol, i.status])).toEqual([['XRPETH', 'TRADING']]);
    const input = { name: 'XRPETH EMA', template: 'ema-crossover', activate: true };
    await expectUserError(
      client.request(CreateStrategyDocument, { input: { ...input, symbols: ['DOGEUSDT'] } }),
      'BAD_USER_INPUT',
      'input.symbols',
    );
    expect(fake.subscriptions().flat()).toEqual([]);

    const created = await client.request(CreateStrategyDocument, { input: { ...input, symbols: ['XRPETH'] } });
    expect(created.createStrategy.strategy).toMatchObject({ status: 'ACTIVE', symbols: ['XRPETH'] });
    await waitFor('the fake to see xrpeth@trade subscribed', () =>
      fake.subscriptions().some((streams) => streams.includes('xrpeth@trade')),
    );
    unheard = published();
    fake.resume();
  });

  it.runIf(enabled)('builds exact candles through a stream gap, a dropped connection and bad prints', async () => {
    const feeds = platform.marketData.feeds;
    if (feeds === null) throw new Error('no feed manager on a live source');
    const binance = () => feeds.status().find((s) => s.provider === 'binance');
    const heard = () => published() - unheard;

    // A range of ids the stream never carries: the platform must fetch exactly those over REST.
    const skipFrom = FIRST_ID + unheard + SKIP_AT;
    fake.skipIds(skipFrom, skipFrom + SKIP_COUNT - 1);
    await waitFor('the skipped range to be backfilled', () => (binance()?.gapsFilled ?? 0) >= 1, 60_000);
    expect(binance()).toMatchObject({ gapsFilled: 1, tradesBackfilled: SKIP_COUNT, reconnects: 0 });

    // Garbage on the stream is counted and skipped; the connection stays.
    const badBefore = platform.marketData.stats.badInput;
    fake.sendRaw('{"stream":"xrpeth@trade","data":{"e":"trade","s":"XRPETH","t":"not an id"}}');
    fake.sendRaw('{"stream":"xrpeth@trade","data":{"e":"trade","s":"XRP');
    await waitFor('both bad frames to be counted', () => platform.marketData.stats.badInput >= badBefore + 2);

    await waitFor('the drop point', () => heard() >= DROP_AT, 60_000);
    expect(fake.connections).toBe(1);
    fake.drop();
    await waitFor('the reconnect', () => fake.connections === 2 && fake.subscriptions().length === 1);

    await waitFor('the pause point', () => heard() >= PAUSE_AT, 60_000);
    fake.pause();
    const history = await binanceHistory(fake.restUrl, 'XRPETH', FIRST_ID + unheard);
    expect(history).toHaveLength(heard());
    const bad = new Set([script.zeroId, script.jumpId]);
    const good: RecordedTrade[] = history.filter((t) => !bad.has(t.id));
    const expected = minutesOf(good);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const first = Date.parse((expected[0] as { openTime: string }).openTime);
    const last = Date.parse((expected.at(-1) as { openTime: string }).openTime);

    // With the fake paused its pings still move the watermark: every minute up to the last trade closes.
    await waitFor('the candles up to the last trade to close', async () => {
      const latest = await platform.candles.latest('XRPETH', '1m');
      return latest !== null && latest.openTime > last;
    });
    const { candles } = await client.request(CandlesDocument, {
      symbol: 'XRPETH',
      interval: '1m',
      from: new Date(first).toISOString(),
      to: new Date(last + MINUTE).toISOString(),
    });
    expect(
      candles.map((c) => ({
        openTime: c.openTime,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: new Big(c.volume).toFixed(),
        trades: c.trades,
      })),
    ).toEqual(expected);
    for (const candle of candles) {
      expect(candle).toMatchObject({ symbol: 'XRPETH', interval: '1m', source: 'binance', complete: true });
      expect(Date.parse(candle.closeTime) - Date.parse(candle.openTime)).toBe(MINUTE);
    }
    // Nothing before the first heard trade: no candle is duplicated or made up.
    const before = await client.request(CandlesDocument, {
      symbol: 'XRPETH',
      interval: '1m',
      to: new Date(first).toISOString(),
    });
    expect(before.candles).toEqual([]);
    expect(candles.some((c) => c.high === script.jumpPrice || c.low === '0.00000000')).toBe(false);

    // Trades the stream never carried: the skipped range, those published while disconnected, and any frame
    // cut off by the drop. Which frames the drop swallowed the fake cannot tell, so this is a lower bound.
    const notSent = heard() - (fake.sent.get('XRPETH') ?? 0);
    expect(notSent).toBeGreaterThan(SKIP_COUNT);
    let feed: FeedsQuery['feeds'][number] | undefined;
    await waitFor('Query.feeds to show the reconnect', async () => {
      const result = await client.request(FeedsDocument, { recentQuarantined: 10 });
      feed = result.feeds.find((f) => f.provider === 'binance');
      return feed !== undefined && feed.reconnects >= 1 && feed.tradesBackfilled >= notSent;
    });
    expect(feed).toMatchObject({ role: 'PRIMARY', state: 'CONNECTED', active: true, reconnects: 1 });
    expect(feed?.gapsFilled).toBeGreaterThanOrEqual(2);
    expect(feed?.tradesBackfilled).toBeGreaterThanOrEqual(notSent);
    // The bad prints are quarantined with their reason, never in a candle.
    const quarantine = Object.fromEntries((feed?.quarantine ?? []).map((q) => [q.reason, q.count]));
    expect(quarantine).toMatchObject({ NON_POSITIVE: 1, PRICE_BAND: 1 });
    expect(feed?.recentQuarantined.map((q) => [q.tradeId, q.price, q.reason, q.symbol])).toEqual(
      expect.arrayContaining([
        [String(script.zeroId), '0.00000000', 'NON_POSITIVE', 'XRPETH'],
        [String(script.jumpId), script.jumpPrice, 'PRICE_BAND', 'XRPETH'],
      ]),
    );
    expect(platform.marketData.stats.badInput).toBe(badBefore + 2);
  });

  it.runIf(enabled)('rejects bad candle arguments with BAD_USER_INPUT naming the argument', async () => {
    await expectUserError(
      client.request(CandlesDocument, { symbol: 'XRPETH', interval: '2m', last: 5 }),
      'BAD_USER_INPUT',
      'interval',
    );
    await expectUserError(
      client.request(CandlesDocument, { symbol: 'XRPETH', interval: '1m', last: 100_000 }),
      'BAD_USER_INPUT',
      'last',
    );
    await expectUserError(
      client.request(CandlesDocument, {
        symbol: 'XRPETH',
        interval: '1m',
        from: new Date(clock()).toISOString(),
        to: new Date(clock() - MINUTE).toISOString(),
      }),
      'BAD_USER_INPUT',
      'to',
    );
  });
});
