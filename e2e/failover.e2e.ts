import { AlphintraClient, CandlesDocument, FeedsDocument } from '@alphintra/client';
import type { FeedStatus } from '@alphintra/market-data';
import { type Log, loadConfig, type Platform, silentLog, startPlatform } from '@alphintra/platform';
import {
  type BinanceTradePayload,
  ETHUSDT_TRADES_CSV,
  type FakeBinance,
  type FakeCoinbase,
  type FakeCoinbaseTrade,
  readCoinbaseTape,
  startFakeBinance,
  startFakeCoinbase,
  uniqueSuffix,
} from '@alphintra/testkit';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceleratedClock,
  binanceHistory,
  minutesOf,
  type RecordedTrade,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const MINUTE = 60_000;
/** Market ms per wall ms: a 1m candle passes in 2 s. */
const SPEED = 30;
/** Trades per wall second on both exchanges: about 200 per candle. */
const RATE = 100;
/** Wall ms without a message before Binance is declared stale. */
const HEARTBEAT_MS = 1_500;
/** Wall ms the fake Binance sends nothing. */
const STALL_MS = 5_000;

/**
 * The recorded ETH/USDT trades three times over, renumbered so that ids keep increasing: one tape both
 * exchanges print (each in its own format), so their prices agree and either can build the candles.
 */
function tapes(): { coinbase: FakeCoinbaseTrade[]; binance: BinanceTradePayload[] } {
  const recorded = readCoinbaseTape(ETHUSDT_TRADES_CSV, 'ETH-USDT');
  const coinbase = [...recorded, ...recorded, ...recorded].map((trade, i) => ({ ...trade, tradeId: 500_000 + i }));
  const binance = coinbase.map(
    (trade, i): BinanceTradePayload => ({
      e: 'trade',
      E: trade.time,
      s: 'ETHUSDT',
      t: 2_000_000_000 + i,
      p: trade.price,
      q: trade.size,
      T: trade.time,
      // Binance's `m` (buyer is the maker) is true when the resting order was the buy.
      m: trade.makerSide === 'buy',
    }),
  );
  return { coinbase, binance };
}

/** Every trade the fake Coinbase printed on `productId`, oldest first, read from its REST trades (newest first, paged). */
async function coinbaseHistory(restUrl: string, productId: string): Promise<RecordedTrade[]> {
  const trades: RecordedTrade[] = [];
  for (let after: string | null = null; ; ) {
    const query: string = after === null ? 'limit=1000' : `limit=1000&after=${after}`;
    const response = await fetch(`${restUrl}/products/${productId}/trades?${query}`);
    if (!response.ok) throw new Error(`coinbase trades: HTTP ${response.status}`);
    const page = (await response.json()) as { trade_id: number; price: string; size: string; time: string }[];
    trades.push(...page.map((t) => ({ id: t.trade_id, time: Date.parse(t.time), price: t.price, quantity: t.size })));
    after = response.headers.get('cb-after');
    if (page.length < 1000 || after === null) return trades.reverse();
  }
}

describe('failover from a stalled Binance to Coinbase and back', () => {
  let binance: FakeBinance;
  let coinbase: FakeCoinbase;
  let platform: Platform | undefined;
  let client: AlphintraClient;
  const clock = acceleratedClock(SPEED);
  /** The market-data log, each line with its wall time and the trades released by then. */
  const lines: { at: number; text: string; trades: number }[] = [];
  const record = (text: string) => lines.push({ at: Date.now(), text, trades: platform?.marketData.stats.trades ?? 0 });
  const recording: Log = { info: record, warn: record, error: record };

  beforeAll(async () => {
    const tape = tapes();
    binance = await startFakeBinance({ trades: tape.binance, clock, ratePerSecond: RATE, pingIntervalMs: 250 });
    coinbase = await startFakeCoinbase({ trades: tape.coinbase, clock, retime: true, ratePerSecond: RATE });
    const { marketData } = loadConfig({
      MARKET_DATA: 'binance,coinbase',
      BINANCE_WS_URL: binance.wsUrl,
      BINANCE_REST_URL: binance.restUrl,
      COINBASE_WS_URL: coinbase.wsUrl,
      COINBASE_REST_URL: coinbase.restUrl,
      COINBASE_PRODUCTS: 'ETHUSDT=ETH-USDT',
      MARKET_SYMBOLS: 'ETHUSDT',
      FEED_HEARTBEAT_MS: String(HEARTBEAT_MS),
      // Market ms (the manager's clock): 5 s of market time is 167 ms of wall time here.
      FEED_FAILBACK_MS: '5000',
      // More than a 100 ms tick of market time, the precision of the platform's silence measure at 30x.
      CANDLE_GRACE_MS: '5000',
      WARMUP_CANDLES: '0',
    });
    platform = await startPlatform(testPlatformConfig({ suffix: uniqueSuffix(), marketData, clock }), (component) =>
      component === 'market-data' ? recording : silentLog,
    );
    client = new AlphintraClient({ url: platform.gateway.url });
  });

  afterAll(async () => {
    await client?.close();
    await platform?.close();
    await binance?.close();
    await coinbase?.close();
  });

  it('switches to Coinbase on stale Binance data and back at a minute boundary, losing and repeating nothing', async () => {
    const running = platform as Platform;
    const feeds = running.marketData.feeds;
    if (feeds === null) throw new Error('no feed manager on a live source');
    const status = (provider: string) => feeds.status().find((s) => s.provider === provider) as FeedStatus;
    const recent = async (last: number) =>
      (await client.request(CandlesDocument, { symbol: 'ETHUSDT', interval: '1m', last })).candles;
    await waitFor('two closed binance candles', async () => (await recent(5)).length >= 2);
    expect(status('binance')).toMatchObject({ active: true, state: 'CONNECTED' });
    expect(status('coinbase')).toMatchObject({ active: false, state: 'CONNECTED' });

    // Mid-minute, so that the minute the stall begins in is still open when Binance is found stale.
    await waitFor('the middle of a minute', () => clock() % MINUTE >= 25_000 && clock() % MINUTE < 35_000);
    const stalledAt = Date.now();
    binance.stall(STALL_MS);
    // Every Binance trade published so far was sent before the stall; none after it until the stall ends.
    const binanceSent = binance.published.get('ETHUSDT') ?? 0;
    await waitFor('coinbase to take over', () => status('coinbase').active);
    const staleLine = lines.find((l) => l.at >= stalledAt && l.text.startsWith('feed binance: STALE'));
    const failoverLine = lines.find((l) => l.at >= stalledAt && l.text.startsWith('failover to coinbase'));
    if (staleLine === undefined || failoverLine === undefined) throw new Error('no stale or failover log line');
    expect(failoverLine.text).toMatch(/\(STALE\): ETHUSDT/);
    // Coinbase's trades since Binance's last one are released inside the failover, before its log line.
    let firstBackupTradeAt = failoverLine.trades > staleLine.trades ? failoverLine.at : null;
    if (firstBackupTradeAt === null) {
      await waitFor('a coinbase trade', () => running.marketData.stats.trades > failoverLine.trades);
      firstBackupTradeAt = Date.now();
    }
    const switchMs = firstBackupTradeAt - staleLine.at;
    console.info(
      `failover: Binance found stale ${staleLine.at - stalledAt} ms (wall) after the stall began (heartbeat ${HEARTBEAT_MS} ms); ` +
        `${failoverLine.trades - staleLine.trades} Coinbase trades released ${switchMs} ms after the stale detection`,
    );
    expect(switchMs).toBeLessThan(5_000);

    const { feeds: reported } = await client.request(FeedsDocument, { recentQuarantined: 5 });
    await waitFor('Query.feeds to show the switch', async () => {
      const { feeds: shown } = await client.request(FeedsDocument, { recentQuarantined: 5 });
      const primary = shown.find((f) => f.provider === 'binance');
      return shown.some((f) => f.provider === 'coinbase' && f.active) && (primary?.reconnects ?? 0) >= 1;
    });
    const { feeds: switched } = await client.request(FeedsDocument, { recentQuarantined: 5 });
    expect(reported.length).toBe(2);
    expect(switched.find((f) => f.provider === 'coinbase')).toMatchObject({ role: 'BACKUP', active: true });
    expect(switched.find((f) => f.provider === 'binance')).toMatchObject({ role: 'PRIMARY', active: false });
    // Found stale, the silent connection is replaced (the new one is just as silent until the stall ends).
    expect(switched.find((f) => f.provider === 'binance')?.reconnects).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.at > staleLine.at && l.text.startsWith('feed binance: BACKOFF'))).toBe(true);

    // Back on Binance once it streams again and has been healthy, from a minute boundary on.
    await waitFor('the failback', () => lines.some((l) => l.text.startsWith('ETHUSDT: back on binance from ')), 60_000);
    const backLine = lines.find((l) => l.text.startsWith('ETHUSDT: back on binance from ')) as {
      text: string;
      at: number;
    };
    expect(backLine.at).toBeGreaterThanOrEqual(stalledAt + STALL_MS);
    const failbackAt = Date.parse(backLine.text.slice('ETHUSDT: back on binance from '.length));
    expect(failbackAt % MINUTE).toBe(0);
    expect(status('binance')).toMatchObject({ active: true, state: 'CONNECTED' });
    // One more minute on Binance, then both exchanges stop and every minute up to there closes.
    await waitFor('a minute on binance after the failback', () => clock() >= failbackAt + 2 * MINUTE);
    binance.pause();
    coinbase.pause();
    const end = clock();
    await waitFor('the candles up to the pause to close', async () => {
      const [latest] = await recent(1);
      return latest !== undefined && Date.parse(latest.closeTime) > end;
    });

    // What the candles must be, from the exchanges' own records: Binance's trades up to the stall, Coinbase's after
    // Binance's last one until the failback boundary, Binance's from the boundary on.
    const binanceTrades = await binanceHistory(binance.restUrl, 'ETHUSDT', 2_000_000_000);
    const lastBinance = binanceTrades[binanceSent - 1] as RecordedTrade;
    const coinbaseTrades = await coinbaseHistory(coinbase.restUrl, 'ETH-USDT');
    const used = [
      ...binanceTrades.slice(0, binanceSent).map((t) => ({ ...t, source: 'binance' })),
      ...coinbaseTrades
        .filter((t) => t.time > lastBinance.time && t.time < failbackAt)
        .map((t) => ({ ...t, source: 'coinbase' })),
      ...binanceTrades.filter((t) => t.time >= failbackAt).map((t) => ({ ...t, source: 'binance' })),
    ];
    const expected = minutesOf(used);
    const sources = new Map<string, string>();
    for (const trade of [...used].sort((a, b) => a.time - b.time)) {
      const minute = new Date(trade.time - (trade.time % MINUTE)).toISOString();
      const seen = sources.get(minute);
      if (seen === undefined) sources.set(minute, trade.source);
      else if (!seen.split(',').includes(trade.source)) sources.set(minute, `${seen},${trade.source}`);
    }
    const stored = await recent(100);
    // Contiguous and each minute once.
    const opens = stored.map((c) => Date.parse(c.openTime));
    expect(opens).toEqual(opens.map((_, i) => (opens[0] as number) + i * MINUTE));
    // The first stored minute may lack trades published before the platform subscribed: compare from the second.
    const compared = stored.slice(1).filter((c) => Date.parse(c.openTime) < end - (end % MINUTE));
    const byOpen = new Map(expected.map((m) => [m.openTime, m]));
    expect(compared.length).toBeGreaterThanOrEqual(5);
    for (const candle of compared) {
      expect({ ...candle, volume: new Big(candle.volume).toFixed() }).toEqual({
        symbol: 'ETHUSDT',
        interval: '1m',
        closeTime: new Date(Date.parse(candle.openTime) + MINUTE).toISOString(),
        source: sources.get(candle.openTime),
        complete: true,
        ...byOpen.get(candle.openTime),
      });
    }
    const stallMinute = new Date(lastBinance.time - (lastBinance.time % MINUTE)).toISOString();
    expect(compared.find((c) => c.openTime === stallMinute)?.source).toBe('binance,coinbase');
    expect(compared.filter((c) => c.source === 'coinbase').length).toBeGreaterThanOrEqual(1);
    expect(compared.find((c) => c.openTime === new Date(failbackAt).toISOString())?.source).toBe('binance');
    expect(compared.at(-1)?.source).toBe('binance');
  });
});
