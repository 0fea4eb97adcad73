import type { MarketConditions, SignalAction, VolumeProfile } from '@alphintra/core';

/** A candle's prices and volume as numbers, parsed once per candle for indicator math. */
export interface CandleValues {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** What the market looks like after a candle, as the signal's metadata describes it. */
export interface MarketSnapshot {
  /** Average true range; null until the ATR has seen enough candles. */
  readonly atr: number | null;
  readonly marketConditions: MarketConditions;
  readonly volumeProfile: VolumeProfile;
}

/** A strategy's decision on one candle. */
export interface Advice {
  readonly action: SignalAction;
  /** 0..1 */
  readonly confidence: number;
}

/**
 * A trading strategy: a pure function of the candles it has seen. Its state is its indicators; it does no I/O
 * and reads no clock, so the same candles always give the same advice.
 */
export interface Strategy {
  /** Feeds one closed candle; returns advice when the candle triggers the strategy's rule. */
  update(candle: CandleValues, market: MarketSnapshot): Advice | null;
}
