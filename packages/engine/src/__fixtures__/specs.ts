import type { Candle, Interval, StrategyDocument, StrategySpec } from '@alphintra/core';
import { FIXTURE_SYMBOL } from './klines.ts';

/** EMA fast/slow crossover with ATR stops: the document form of the former built-in EMA_CROSSOVER. */
export function emaCrossDocument(fast = 9, slow = 21): StrategyDocument {
  return {
    version: 1,
    interval: '1m',
    indicators: {
      fast: { type: 'EMA', period: fast },
      slow: { type: 'EMA', period: slow },
      atr: { type: 'ATR', period: 14 },
    },
    rules: [
      { id: 'golden-cross', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] } },
      { id: 'death-cross', side: 'SELL', when: { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] } },
    ],
    stopLoss: { atr: 'atr', multiple: 2 },
    takeProfit: { atr: 'atr', multiple: 3 },
  };
}

/** Bollinger mean reversion: BUY when the close comes back inside the lower band, SELL at the upper one. */
export function bollingerDocument(period = 20, stdDev = 2): StrategyDocument {
  return {
    version: 1,
    interval: '1m',
    indicators: { bb: { type: 'BBANDS', period, stdDev } },
    rules: [
      {
        id: 'back-above-lower',
        side: 'BUY',
        when: { crossesAbove: [{ field: 'close' }, { ind: 'bb', out: 'lower' }] },
      },
      {
        id: 'back-below-upper',
        side: 'SELL',
        when: { crossesBelow: [{ field: 'close' }, { ind: 'bb', out: 'upper' }] },
      },
    ],
    stopLoss: { percent: 1 },
    takeProfit: { price: { ind: 'bb' } },
    sizing: { quoteAmount: 1 },
    confidence: 0.6,
    lifetimeBars: 5,
  };
}

/** RSI reversion with a risk-based size and a cooldown. */
export function rsiDocument(period = 14, oversold = 30, overbought = 70): StrategyDocument {
  return {
    version: 1,
    interval: '1m',
    indicators: { rsi: { type: 'RSI', period }, atr: { type: 'ATR', period: 14 } },
    rules: [
      { id: 'oversold-exit', side: 'BUY', when: { crossesAbove: [{ ind: 'rsi' }, oversold] } },
      { id: 'overbought-exit', side: 'SELL', when: { crossesBelow: [{ ind: 'rsi' }, overbought] } },
    ],
    stopLoss: { atr: 'atr', multiple: 1.5 },
    takeProfit: { atr: 'atr', multiple: 2 },
    sizing: { riskAmount: 0.001 },
    confidence: { div: [{ abs: { sub: [{ ind: 'rsi' }, 50] } }, 50] },
    cooldownBars: 3,
  };
}

/** An ACTIVE LIVE spec running `document` on the fixture symbol, unless overridden. */
export function documentSpec(document: StrategyDocument, overrides: Partial<StrategySpec> = {}): StrategySpec {
  return {
    id: 'ema-cross',
    name: 'EMA cross',
    version: 1,
    source: 'NO_CODE',
    symbols: [FIXTURE_SYMBOL],
    interval: document.interval,
    document,
    status: 'ACTIVE',
    mode: 'LIVE',
    activatedAt: null,
    ...overrides,
  };
}

/** The EMA 9/21 crossover spec. */
export function emaSpec(overrides: Partial<StrategySpec> = {}): StrategySpec {
  return documentSpec(emaCrossDocument(), overrides);
}

/** The RSI 14 reversion spec (source AI_ML, sized). */
export function rsiSpec(overrides: Partial<StrategySpec> = {}): StrategySpec {
  return documentSpec(rsiDocument(), { id: 'rsi-reversion', name: 'RSI reversion', source: 'AI_ML', ...overrides });
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
