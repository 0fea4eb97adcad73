import type { MarketConditions, VolumeProfile } from '@alphintra/core';
import { ATR, EMA, SMA } from 'trading-signals';
import type { CandleValues, MarketSnapshot } from './types.ts';

/** Period of the slow EMA whose slope classifies the trend. */
export const TREND_PERIOD = 50;
/** Candles over which the trend EMA's move is measured. */
export const TREND_LOOKBACK = 10;
/** The trend EMA must move at least this many ATRs over `TREND_LOOKBACK` candles to count as a trend. */
export const TREND_THRESHOLD_ATR = 1;
/** Candles in the rolling average volume. */
export const VOLUME_PERIOD = 20;
/** Volume at or above this multiple of the average is HIGH; at or below `LOW_VOLUME_RATIO` it is LOW. */
export const HIGH_VOLUME_RATIO = 1.5;
export const LOW_VOLUME_RATIO = 0.5;

/**
 * The indicators that describe the market around a strategy's decision: ATR (stops, volatility), a slow EMA's
 * slope (trend) and a rolling average volume. O(1) per candle.
 */
export class MarketContext {
  readonly #atr: ATR;
  readonly #trend = new EMA(TREND_PERIOD);
  readonly #volume = new SMA(VOLUME_PERIOD);
  readonly #trendValues: number[] = [];
  #trendIndex = 0;

  constructor(atrPeriod: number) {
    this.#atr = new ATR(atrPeriod);
  }

  /** Feeds one closed candle and describes the market after it. */
  update(candle: CandleValues): MarketSnapshot {
    // The candle's volume is compared with the candles before it, so read the average before adding it.
    const averageVolume = this.#volume.getResult();
    this.#volume.update(candle.volume, false);
    const atr = this.#atr.update({ high: candle.high, low: candle.low, close: candle.close }, false);
    const trend = this.#trend.update(candle.close, false);

    // A ring of the previous `TREND_LOOKBACK` values: the slot about to be overwritten is the value that many
    // candles ago.
    let trendAgo: number | undefined;
    if (this.#trendValues.length < TREND_LOOKBACK) {
      this.#trendValues.push(trend);
    } else {
      trendAgo = this.#trendValues[this.#trendIndex];
      this.#trendValues[this.#trendIndex] = trend;
      this.#trendIndex = (this.#trendIndex + 1) % TREND_LOOKBACK;
    }

    return {
      atr,
      marketConditions: classifyTrend(this.#trend.isStable ? trend : undefined, trendAgo, atr),
      volumeProfile: classifyVolume(candle.volume, averageVolume),
    };
  }
}

function classifyTrend(now: number | undefined, ago: number | undefined, atr: number | null): MarketConditions {
  if (now === undefined || ago === undefined || atr === null || atr <= 0) return 'RANGING';
  const move = (now - ago) / atr;
  if (move >= TREND_THRESHOLD_ATR) return 'TRENDING_UP';
  if (move <= -TREND_THRESHOLD_ATR) return 'TRENDING_DOWN';
  return 'RANGING';
}

function classifyVolume(volume: number, average: number | null): VolumeProfile {
  if (average === null || average <= 0) return 'NORMAL';
  const ratio = volume / average;
  if (ratio >= HIGH_VOLUME_RATIO) return 'HIGH';
  if (ratio <= LOW_VOLUME_RATIO) return 'LOW';
  return 'NORMAL';
}
