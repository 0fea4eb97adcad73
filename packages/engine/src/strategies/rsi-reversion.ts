import { RSI } from 'trading-signals';
import type { RsiReversionParameters } from '../parameters.ts';
import type { Advice, CandleValues, Strategy } from '../types.ts';
import { clamp01, round4 } from './math.ts';

/**
 * Mean reversion on Wilder's RSI: BUY when the RSI crosses back up through `oversold`, SELL when it crosses back
 * down through `overbought`.
 *
 * Confidence = 0.4 + 0.6 * depth, where depth is how far the excursion went past the threshold as a fraction of
 * the room beyond it (oversold: (oversold - lowest RSI) / oversold; overbought: (highest RSI - overbought) /
 * (100 - overbought)): the deeper the extreme, the stronger the expected snap-back.
 */
export class RsiReversion implements Strategy {
  readonly #rsi: RSI;
  readonly #oversold: number;
  readonly #overbought: number;
  #previous: number | null = null;
  /** Lowest RSI of the current oversold excursion; null when not in one. */
  #lowest: number | null = null;
  /** Highest RSI of the current overbought excursion; null when not in one. */
  #highest: number | null = null;

  constructor(params: RsiReversionParameters) {
    this.#rsi = new RSI(params.period);
    this.#oversold = params.oversold;
    this.#overbought = params.overbought;
  }

  update(candle: CandleValues): Advice | null {
    const rsi = this.#rsi.update(candle.close, false);
    if (rsi === null) return null;
    const previous = this.#previous;
    this.#previous = rsi;

    let advice: Advice | null = null;
    if (previous !== null && previous < this.#oversold && rsi >= this.#oversold && this.#lowest !== null) {
      const depth = (this.#oversold - this.#lowest) / this.#oversold;
      advice = { action: 'BUY', confidence: round4(clamp01(0.4 + 0.6 * depth)) };
    } else if (previous !== null && previous > this.#overbought && rsi <= this.#overbought && this.#highest !== null) {
      const depth = (this.#highest - this.#overbought) / (100 - this.#overbought);
      advice = { action: 'SELL', confidence: round4(clamp01(0.4 + 0.6 * depth)) };
    }

    this.#lowest = rsi < this.#oversold ? Math.min(this.#lowest ?? rsi, rsi) : null;
    this.#highest = rsi > this.#overbought ? Math.max(this.#highest ?? rsi, rsi) : null;
    return advice;
  }
}
