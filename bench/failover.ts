/**
 * Failover benchmark: the real Binance and Coinbase providers against the local fake exchanges, behind the feed
 * manager, both streaming the same ETH/USDT trades. Each round stalls the Binance fake (a connection that stays
 * open and says nothing) and measures, on the wall clock, from the moment the Binance provider declares itself
 * STALE to the first trade the manager releases from Coinbase, and from the start of the stall to that trade.
 */
import type { Trade } from '@alphintra/core';
import { BinanceProvider, CoinbaseProvider, FeedManager, TradeChecker } from '@alphintra/market-data';
import {
  type BinanceTradePayload,
  ETHUSDT_TRADES_CSV,
  readCoinbaseTape,
  startFakeBinance,
  startFakeCoinbase,
} from '@alphintra/testkit';

/** Options of `runFailoverBench`. */
export interface FailoverBenchOptions {
  /** Rounds, each on fresh fakes and providers. Default 5. */
  readonly rounds?: number;
  /** The Binance provider's silence limit (its stale detection), ms. Default 1,000. */
  readonly staleAfterMs?: number;
}

/** What `runFailoverBench` measured, one figure per round. */
export interface FailoverBenchResult {
  readonly rounds: number;
  readonly staleAfterMs: number;
  /** STALE declared -> first backup trade released, ms. */
  readonly detectionToBackupMs: readonly number[];
  /** Stall start -> first backup trade released, ms (the stale detection included). */
  readonly stallToBackupMs: readonly number[];
}

const SYMBOL = 'ETHUSDT';

async function round(staleAfterMs: number): Promise<{ detectionToBackupMs: number; stallToBackupMs: number }> {
  const tape = readCoinbaseTape(ETHUSDT_TRADES_CSV, 'ETH-USDT');
  // The same market on both exchanges: Binance's payloads are the tape's trades with Binance's field names.
  const binanceTrades: BinanceTradePayload[] = tape.map((t) => ({
    e: 'trade',
    E: t.time,
    s: SYMBOL,
    t: t.tradeId,
    p: t.price,
    q: t.size,
    T: t.time,
    m: t.makerSide === 'buy',
  }));
  const binanceFake = await startFakeBinance({ trades: binanceTrades, ratePerSecond: 100, pingIntervalMs: 60_000 });
  const coinbaseFake = await startFakeCoinbase({ trades: tape, ratePerSecond: 100, retime: true });
  let staleAt: number | null = null;
  let stallAt = 0;
  let firstBackup: number | null = null;
  const manager = new FeedManager({
    primary: new BinanceProvider({ wsUrl: binanceFake.wsUrl, restUrl: binanceFake.restUrl, staleAfterMs }),
    backup: new CoinbaseProvider({
      wsUrl: coinbaseFake.wsUrl,
      restUrl: coinbaseFake.restUrl,
      products: new Map([[SYMBOL, 'ETH-USDT']]),
    }),
    gate: new TradeChecker({}),
    failoverAfterMs: 60_000,
    onTrades: (trades: readonly Trade[]) => {
      if (firstBackup === null && staleAt !== null && trades.some((t) => t.source === 'coinbase')) {
        firstBackup = performance.now();
      }
    },
    onStatus: (status) => {
      if (status.provider === 'binance' && status.state === 'STALE' && staleAt === null) staleAt = performance.now();
    },
    onWatermark: () => {},
    onIncomplete: () => {},
    onQuarantine: () => {},
    onBadInput: () => {},
  });
  try {
    manager.setSymbols([SYMBOL]);
    await manager.start();
    const deadline = Date.now() + 20_000;
    while (manager.status().some((s) => s.state !== 'CONNECTED') || binanceFake.published.size === 0) {
      if (Date.now() > deadline) throw new Error('the providers did not connect');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    stallAt = performance.now();
    binanceFake.stall(staleAfterMs * 10);
    while (firstBackup === null) {
      if (performance.now() - stallAt > staleAfterMs * 10) throw new Error('no failover to the backup');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const backupAt = firstBackup as number;
    return { detectionToBackupMs: backupAt - (staleAt ?? backupAt), stallToBackupMs: backupAt - stallAt };
  } finally {
    await manager.stop();
    await binanceFake.close();
    await coinbaseFake.close();
  }
}

/** Runs the failover rounds one after another. */
export async function runFailoverBench(options: FailoverBenchOptions = {}): Promise<FailoverBenchResult> {
  const rounds = options.rounds ?? 5;
  const staleAfterMs = options.staleAfterMs ?? 1_000;
  const detection: number[] = [];
  const stall: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const result = await round(staleAfterMs);
    detection.push(result.detectionToBackupMs);
    stall.push(result.stallToBackupMs);
  }
  return { rounds, staleAfterMs, detectionToBackupMs: detection, stallToBackupMs: stall };
}
