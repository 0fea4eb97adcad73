import type { Candle, Interval, StrategySpec } from '@alphintra/core';
import { FIXTURE_SYMBOL } from './klines.ts';

/** An ACTIVE EMA_CROSSOVER spec on the fixture symbol, 1m, default parameters unless overridden. */
export function emaSpec(overrides: Partial<StrategySpec> = {}): StrategySpec {
  return {
    id: 'ema-cross',
    name: 'EMA cross',
    version: 1,
    type: 'EMA_CROSSOVER',
    source: 'NO_CODE',
    symbols: [FIXTURE_SYMBOL],
    interval: '1m',
    parameters: {},
    status: 'ACTIVE',
    ...overrides,
  };
}

/** An ACTIVE RSI_REVERSION spec on the fixture symbol, 1m, default parameters unless overridden. */
export function rsiSpec(overrides: Partial<StrategySpec> = {}): StrategySpec {
  return {
    id: 'rsi-reversion',
    name: 'RSI reversion',
    version: 1,
    type: 'RSI_REVERSION',
    source: 'AI_ML',
    symbols: [FIXTURE_SYMBOL],
    interval: '1m',
    parameters: { quantity: 0.5 },
    status: 'ACTIVE',
    ...overrides,
  };
}

/** Candles with the given closes (open = previous close, high/low 0.5 % around the body), one minute apart. */
export function candlesFromCloses(
  closes: readonly number[],
  { symbol = 'TESTUSDT', interval = '1m' as Interval, start = 1_700_000_000_000 } = {},
): Candle[] {
  return closes.map((close, i) => {
    const open = closes[i - 1] ?? close;
    const openTime = start + i * 60_000;
    return {
      symbol,
      interval,
      openTime,
      closeTime: openTime + 60_000,
      open: String(open),
      high: (Math.max(open, close) * 1.005).toFixed(8),
      low: (Math.min(open, close) * 0.995).toFixed(8),
      close: String(close),
      volume: '10',
      trades: 1,
      lastTradeTime: openTime + 59_000,
      source: 'replay',
      complete: true,
    };
  });
}
