import { AlphintraClient, CandlesDocument, CreateStrategyDocument, FeedsDocument } from '@alphintra/client';
import { type FeedStatus, type Log, loadConfig, type Platform, startPlatform } from '@alphintra/platform';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceleratedClock, testPlatformConfig, waitFor } from './support.ts';

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

describe('failover from a stalled Binance to Coinbase and back', () => {
  let binance: FakeBinance;
  let coinbase: FakeCoinbase;
  let platform: Platform;
  let client: AlphintraClient;
  const clock = acceleratedClock(SPEED);
  /** Wall time of each market-data log line, to time the failover from the platform's own report. */
  const lines: { at: number; text: string }[] = [];
  const recording: Log = {
    info: (text) => lines.push({ at: Date.now(), text }),
    warn: (text) => lines.push({ at: Date.now(), text }),
    error: (text) => lines.push({ at: Date.now(), text }),
  };
  const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

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
      CANDLE_GRACE_MS: '1000',
      WARMUP_CANDLES: '0',
    });
    platform = await startPlatform(testPlatformConfig({ suffix: uniqueSuffix(), marketData, clock }), (component) =>
      component === 'market-data' ? recording : silent,
    );
    client = new AlphintraClient({ url: platform.gateway.url });
  });

  afterAll(async () => {
    await client?.close();
    await platform?.close();
    await binance?.close();
    await coinbase?.close();
  });

  it('switches to Coinbase within the heartbeat, and back to Binance at a minute boundary', async () => {
    const feeds = platform.marketData.feeds;
    if (feeds === null) throw new Error('no feed manager on a live source');
    const status = (provider: string) => feeds.status().find((s) => s.provider === provider) as FeedStatus;
    const created = await client.request(CreateStrategyDocument, {
      input: { name: 'ETHUSDT EMA', type: 'EMA_CROSSOVER', symbols: ['ETHUSDT'], activate: true },
    });
    expect(created.createStrategy.strategy.status).toBe('ACTIVE');
    await waitFor('two closed binance candles', async () => {
      const { candles } = await client.request(CandlesDocument, { symbol: 'ETHUSDT', interval: '1m', last: 5 });
      return candles.filter((c) => c.source === 'binance' && c.trades > 0).length >= 2;
    });
    expect(status('binance')).toMatchObject({ active: true, state: 'CONNECTED' });
    expect(status('coinbase')).toMatchObject({ active: false, state: 'CONNECTED' });

    // Released trades, sampled every 5 ms: after the stall starts, any new one is Coinbase's.
    let firstBackupTradeAt: number | null = null;
    let tradesAtStall = 0;
    const sampler = setInterval(() => {
      if (firstBackupTradeAt === null && platform.marketData.stats.trades > tradesAtStall) {
        firstBackupTradeAt = Date.now();
      }
    }, 5);
    // Mid-minute, so that the minute the stall begins in is still open when Binance is found stale.
    await waitFor('the middle of a minute', () => clock() % MINUTE >= 25_000 && clock() % MINUTE < 35_000);
    const stalledAt = Date.now();
    binance.stall(STALL_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    tradesAtStall = platform.marketData.stats.trades;
    const switchedAt = Date.now();
    await waitFor('coinbase to take over', () => status('coinbase').active && firstBackupTradeAt !== null, 30_000);
    clearInterval(sampler);
    const staleLine = lines.find((l) => l.at >= stalledAt && l.text.startsWith('feed binance: STALE'));
    const failoverLine = lines.find((l) => l.at >= stalledAt && l.text.startsWith('failover to coinbase'));
    expect(staleLine).toBeDefined();
    expect(failoverLine?.text).toMatch(/STALE.*ETHUSDT/);
    const staleAt = (staleLine as { at: number }).at;
    const switchMs = (firstBackupTradeAt as unknown as number) - staleAt;
    console.info(
      `failover: stale ${staleAt - stalledAt} ms after the stall began; failover logged ${(failoverLine?.at ?? 0) - staleAt} ms and first Coinbase trade released ${switchMs} ms after the stale detection (sampled every 5 ms)`,
    );
    expect(switchMs).toBeLessThan(5_000);
    expect(switchedAt).toBeGreaterThan(0);
    expect(status('binance').active).toBe(false);
    expect(['STALE', 'BACKOFF', 'CONNECTED']).toContain(status('binance').state);

    const { feeds: reported } = await client.request(FeedsDocument, { recentQuarantined: 5 });
    void reported;

    // Back on Binance once it has been healthy, from a minute boundary on.
    await waitFor(
      'a binance-only candle after the coinbase ones',
      async () => {
        const { candles } = await client.request(CandlesDocument, { symbol: 'ETHUSDT', interval: '1m', last: 30 });
        const firstCoinbase = candles.findIndex((c) => c.source.includes('coinbase'));
        return firstCoinbase >= 0 && candles.slice(firstCoinbase).some((c) => c.source === 'binance' && c.trades > 0);
      },
      60_000,
    );
    const { candles } = await client.request(CandlesDocument, { symbol: 'ETHUSDT', interval: '1m', last: 100 });
    console.info(candles.map((c) => `${c.openTime} ${c.source} ${c.trades} ${c.complete}`).join('\n'));
    console.info(lines.map((l) => `${l.at - stalledAt} ${l.text}`).join('\n'));
  });
});
