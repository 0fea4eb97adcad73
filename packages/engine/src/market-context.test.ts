import { describe, expect, it } from 'vitest';
import { MarketContext, TREND_LOOKBACK, TREND_PERIOD, VOLUME_PERIOD } from './market-context.ts';
import type { CandleValues, MarketSnapshot } from './types.ts';

function bar(close: number, volume = 10): CandleValues {
  return { open: close, high: close + 0.5, low: close - 0.5, close, volume };
}

function feed(context: MarketContext, bars: readonly CandleValues[]): MarketSnapshot[] {
  return bars.map((candle) => context.update(candle));
}

const warm = TREND_PERIOD + TREND_LOOKBACK;

describe('MarketContext', () => {
  it('has no ATR before its period and the ATR of constant one-point ranges after', () => {
    const snapshots = feed(
      new MarketContext(14),
      Array.from({ length: 14 }, () => bar(100)),
    );
    expect(snapshots[12]?.atr).toBeNull();
    expect(snapshots[13]?.atr).toBe(1);
  });

  it('calls a flat market RANGING', () => {
    const snapshots = feed(
      new MarketContext(14),
      Array.from({ length: warm + 20 }, () => bar(100)),
    );
    expect(new Set(snapshots.map((snapshot) => snapshot.marketConditions))).toEqual(new Set(['RANGING']));
  });

  it('calls a steady climb TRENDING_UP and a steady fall TRENDING_DOWN, once the trend EMA is warm', () => {
    const climb = feed(
      new MarketContext(14),
      Array.from({ length: warm + 20 }, (_, i) => bar(100 + i)),
    );
    expect(climb[TREND_PERIOD - 2]?.marketConditions).toBe('RANGING');
    expect(climb.at(-1)?.marketConditions).toBe('TRENDING_UP');
    const fall = feed(
      new MarketContext(14),
      Array.from({ length: warm + 20 }, (_, i) => bar(1_000 - i)),
    );
    expect(fall.at(-1)?.marketConditions).toBe('TRENDING_DOWN');
  });

  it('compares volume with the average of the candles before', () => {
    const context = new MarketContext(14);
    const first = feed(
      context,
      Array.from({ length: VOLUME_PERIOD }, () => bar(100, 10)),
    );
    expect(first.every((snapshot) => snapshot.volumeProfile === 'NORMAL')).toBe(true);
    expect(context.update(bar(100, 15)).volumeProfile).toBe('HIGH');
    expect(context.update(bar(100, 5)).volumeProfile).toBe('LOW');
    expect(context.update(bar(100, 12)).volumeProfile).toBe('NORMAL');
  });
});
