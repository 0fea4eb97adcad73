import { ATR as ReferenceATR, EMA as ReferenceEMA, RSI as ReferenceRSI } from 'technicalindicators';
import { ATR, EMA, RSI, SMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { loadKlines } from './__fixtures__/klines.ts';

// The engine's indicators come from trading-signals; these tests pin the exact variants it relies on (EMA seeded
// with the first price, Wilder-smoothed RSI and ATR) against values computed elsewhere.

/**
 * Published test vectors of Tulip Indicators v0.8.0, tests/untest.txt (https://github.com/TulipCharts/
 * tulipindicators), period 5, printed to 3 decimals.
 */
const TULIP = {
  high: [82.15, 81.89, 83.03, 83.3, 83.85, 83.9, 83.33, 84.3, 84.84, 85.0, 85.9, 86.58, 86.98, 88.0, 87.87],
  low: [81.29, 80.64, 81.31, 82.65, 83.07, 83.11, 82.49, 82.3, 84.15, 84.11, 84.03, 85.39, 85.76, 87.17, 87.01],
  close: [81.59, 81.06, 82.87, 83.0, 83.61, 83.15, 82.84, 83.99, 84.55, 84.36, 85.53, 86.54, 86.89, 87.77, 87.29],
  ema5: [
    81.59, 81.413, 81.899, 82.266, 82.714, 82.859, 82.853, 83.232, 83.671, 83.901, 84.444, 85.143, 85.725, 86.407,
    86.701,
  ],
  sma5: [82.426, 82.738, 83.094, 83.318, 83.628, 83.778, 84.254, 84.994, 85.574, 86.218, 86.804],
  rsi5: [72.034, 64.927, 75.936, 79.796, 74.713, 83.033, 87.478, 88.755, 91.483, 78.498],
  atr5: [1.116, 1.051, 1.009, 1.207, 1.136, 1.086, 1.243, 1.233, 1.23, 1.206, 1.137],
} as const;

/** The non-null results, to 3 decimals like the published table. */
function rounded(results: readonly (number | null)[]): number[] {
  return results.filter((value): value is number => value !== null).map((value) => Number(value.toFixed(3)));
}

describe('indicators against Tulip Indicators test vectors', () => {
  it('EMA(5)', () => {
    const ema = new EMA(5);
    expect(rounded(TULIP.close.map((close) => ema.update(close, false)))).toEqual(TULIP.ema5);
  });

  it('SMA(5)', () => {
    const sma = new SMA(5);
    expect(rounded(TULIP.close.map((close) => sma.update(close, false)))).toEqual(TULIP.sma5);
  });

  it("Wilder's RSI(5)", () => {
    const rsi = new RSI(5);
    expect(rounded(TULIP.close.map((close) => rsi.update(close, false)))).toEqual(TULIP.rsi5);
  });

  it('ATR(5), Wilder-smoothed', () => {
    const atr = new ATR(5);
    const results = TULIP.close.map((close, i) =>
      atr.update({ high: TULIP.high[i] as number, low: TULIP.low[i] as number, close }, false),
    );
    expect(rounded(results)).toEqual(TULIP.atr5);
  });
});

describe('indicators against technicalindicators 3.1 on real candles', () => {
  const candles = loadKlines().map((candle) => ({
    high: Number(candle.high),
    low: Number(candle.low),
    close: Number(candle.close),
  }));
  const closes = candles.map((candle) => candle.close);
  /** The last `count` values of both series, aligned on the final candle. */
  const tails = (ours: readonly (number | null)[], theirs: readonly number[], count: number) => ({
    ours: ours.slice(-count) as number[],
    theirs: theirs.slice(-count),
  });

  it('EMA(9) and EMA(21) agree once the different seeds have decayed', () => {
    // technicalindicators seeds the EMA with the SMA of the first `period` closes, trading-signals with the first
    // close; the difference shrinks by (1 - 2 / (period + 1)) per candle, below 1e-12 relative after 2,000 candles.
    for (const period of [9, 21]) {
      const ema = new EMA(period);
      const ours = closes.map((close) => ema.update(close, false));
      const theirs = ReferenceEMA.calculate({ period, values: closes });
      const tail = tails(ours, theirs, 500);
      tail.ours.forEach((value, i) => {
        expect(value).toBeCloseTo(tail.theirs[i] as number, 12);
      });
    }
  });

  it("Wilder's RSI(14) agrees from its first value (the reference rounds to 2 decimals)", () => {
    const rsi = new RSI(14);
    const ours = closes.map((close) => rsi.update(close, false)).filter((value) => value !== null);
    const theirs = ReferenceRSI.calculate({ period: 14, values: closes });
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((value, i) => {
      expect(Math.abs(value - (theirs[i] as number))).toBeLessThanOrEqual(0.005 + 1e-9);
    });
  });

  it('ATR(14) agrees once the different first true ranges have decayed', () => {
    // The reference starts true ranges at the second candle, trading-signals at the first (high - low).
    const atr = new ATR(14);
    const ours = candles.map((candle) => atr.update(candle, false));
    const theirs = ReferenceATR.calculate({
      period: 14,
      high: candles.map((candle) => candle.high),
      low: candles.map((candle) => candle.low),
      close: closes,
    });
    const tail = tails(ours, theirs, 1_000);
    tail.ours.forEach((value, i) => {
      expect(value / (tail.theirs[i] as number)).toBeCloseTo(1, 12);
    });
  });
});
