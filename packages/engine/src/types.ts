import type { MarketConditions, VolumeProfile } from '@alphintra/core';

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
