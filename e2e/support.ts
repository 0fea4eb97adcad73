import { fileURLToPath } from 'node:url';
import type { Candle, Signal } from '@alphintra/core';
import { CandleAggregator, readTradeFile } from '@alphintra/market-data';

/** The first 2,000 recorded XRP/ETH trades (284 one-minute candles), replayed by the end-to-end tests. */
export const TRADES_SLICE = fileURLToPath(new URL('./fixtures/binance-trade-XRPETH-2000.ndjson', import.meta.url));

/** Aggregates a trade file into 1m candles the way a backtest would: every trade, then a final flush. */
export async function candlesOf(file: string): Promise<Candle[]> {
  const candles: Candle[] = [];
  const aggregator = new CandleAggregator({ onCandle: (candle) => candles.push(candle) });
  for await (const trade of readTradeFile(file, { onMalformed: () => {} })) aggregator.addTrade(trade);
  aggregator.flush();
  return candles;
}

/** Polls `condition` every 50 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects what an async iterator yields, in the background, until `stop`. */
export function collect<T>(iterator: AsyncIterableIterator<T>): {
  items: T[];
  error: unknown;
  stop: () => Promise<void>;
} {
  const state = { items: [] as T[], error: undefined as unknown, stop: async () => {} };
  const done = (async () => {
    try {
      for await (const item of iterator) state.items.push(item);
    } catch (error) {
      state.error = error;
    }
  })();
  state.stop = async () => {
    await iterator.return?.();
    await done;
  };
  return state;
}

/** A signal as the GraphQL API shows it (the `SignalFields` fragment), for comparing engine output to events. */
export function asGraphQL(signal: Signal) {
  return {
    id: signal.id,
    timestamp: new Date(signal.timestamp).toISOString(),
    symbol: signal.symbol,
    action: signal.action,
    confidence: signal.confidence,
    quantity: signal.quantity,
    priceTarget: signal.priceTarget,
    stopLoss: signal.stopLoss,
    takeProfit: signal.takeProfit,
    riskScore: signal.riskScore,
    strategyVersion: signal.strategyVersion,
    strategySource: signal.strategySource,
    marketDataTimestamp: new Date(signal.marketDataTimestamp).toISOString(),
    metadata: { ...signal.metadata },
    executionParams: { ...signal.executionParams },
  };
}

/** A candle as the GraphQL API shows it. */
export function asGraphQLCandle(candle: Candle) {
  return {
    symbol: candle.symbol,
    interval: candle.interval,
    openTime: new Date(candle.openTime).toISOString(),
    closeTime: new Date(candle.closeTime).toISOString(),
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
    trades: candle.trades,
  };
}
