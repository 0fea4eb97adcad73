import { EMA } from 'trading-signals';
import type { EmaCrossoverParameters } from '../parameters.ts';
import type { Advice, CandleValues, MarketSnapshot, Strategy } from '../types.ts';
import { clamp01, round4 } from './math.ts';

/** A cross this many ATRs wide on its first candle earns the full spread credit. */
const DECISIVE_SPREAD_ATR = 0.5;

/**
 * Trend following: BUY when the fast EMA of closes crosses above the slow one, SELL when it crosses below.
 *
 * Confidence = 0.5 + 0.3 * min(1, spread / 0.5 ATR) ± 0.2 when the market's trend agrees / disagrees with the
 * action (RANGING adds nothing), clamped to 0..1: a wide cross in the direction of the trend is the strongest.
 */
export class EmaCrossover implements Strategy {
  readonly #fast: EMA;
  readonly #slow: EMA;
  /** Which side the fast EMA was last seen on (1 above, -1 below, 0 not yet known); touching keeps the side. */
  #side: -1 | 0 | 1 = 0;

  constructor(params: EmaCrossoverParameters) {
    this.#fast = new EMA(params.fastPeriod);
    this.#slow = new EMA(params.slowPeriod);
  }

  update(candle: CandleValues, market: MarketSnapshot): Advice | null {
    const fast = this.#fast.update(candle.close, false);
    const slow = this.#slow.update(candle.close, false);
    if (!this.#fast.isStable || !this.#slow.isStable) return null;

    const side = Math.sign(fast - slow) as -1 | 0 | 1;
    if (side === 0) return null;
    const previous = this.#side;
    this.#side = side;
    if (previous === 0 || previous === side) return null;

    const action = side > 0 ? 'BUY' : 'SELL';
    const spread = market.atr !== null && market.atr > 0 ? Math.abs(fast - slow) / market.atr : 0;
    const agreement =
      market.marketConditions === 'RANGING'
        ? 0
        : (market.marketConditions === 'TRENDING_UP') === (action === 'BUY')
          ? 0.2
          : -0.2;
    const confidence = 0.5 + 0.3 * Math.min(1, spread / DECISIVE_SPREAD_ATR) + agreement;
    return { action, confidence: round4(clamp01(confidence)) };
  }
}
