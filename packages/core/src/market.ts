/** Candle intervals the platform aggregates, with their length in milliseconds. */
export const INTERVALS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
} as const;
export type Interval = keyof typeof INTERVALS;

export function isInterval(value: string): value is Interval {
  return Object.hasOwn(INTERVALS, value);
}

/** Which side took liquidity: `SELL` when the buyer was the maker. */
export type TakerSide = 'BUY' | 'SELL';

/**
 * One normalized trade. Prices and sizes keep the exchange's decimal strings (exact); the numeric copies
 * exist only for indicator math and comparisons.
 */
export interface Trade {
  /** The provider that reported the trade (`binance`, `coinbase`, `replay`). */
  readonly source: string;
  /** The platform's symbol (the exchange's own name is mapped to it by the provider). */
  readonly symbol: string;
  /** The provider's trade id, a decimal integer string, strictly increasing per symbol on that provider. */
  readonly tradeId: string;
  /** Exchange trade time, ms since the epoch (UTC). */
  readonly time: number;
  readonly price: string;
  readonly quantity: string;
  readonly priceNum: number;
  readonly quantityNum: number;
  readonly takerSide: TakerSide;
}

/** One OHLCV candle over `[openTime, closeTime)`. */
export interface Candle {
  readonly symbol: string;
  readonly interval: Interval;
  readonly openTime: number;
  /** Exclusive end of the interval: `openTime` + the interval's length. */
  readonly closeTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  /** Base-asset volume, the exact decimal sum of the trades' quantities. */
  readonly volume: string;
  /** Trades in the candle; 0 for a minute without trades while the feed was healthy (OHLC = previous close). */
  readonly trades: number;
  /** Provider(s) whose trades built the candle, comma separated when a failover happened inside it. */
  readonly source: string;
  /**
   * False when a feed gap touched the candle and the missing trades could not be had: its figures may miss
   * trades. Every other candle is built from every trade of its interval.
   */
  readonly complete: boolean;
  /** Exchange time of the last trade in the candle: the market event a signal on it derives from. */
  readonly lastTradeTime: number;
  /** Wall-clock `performance.now()` when the candle closed; process-local, used only for latency. */
  readonly closedAt?: number;
}
