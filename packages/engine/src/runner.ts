import type { Signal, StrategySpec } from '@alphintra/core';
import { MarketContext } from './market-context.ts';
import { resolveParameters } from './parameters.ts';
import { buildSignal, type PreparedCandle, type SignalSizing } from './signal.ts';
import { createStrategy } from './strategies/create.ts';
import type { Strategy } from './types.ts';

/**
 * One strategy version running on one symbol: the strategy, the market indicators its signals are described
 * with, and nothing else. Its whole state is a function of the candles it was fed.
 */
export class StrategyRunner {
  /** The spec signals are labelled with; replaced when a reload renames an unchanged version. */
  spec: StrategySpec;
  readonly symbol: string;
  readonly #strategy: Strategy;
  readonly #market: MarketContext;
  readonly #sizing: SignalSizing;

  constructor(spec: StrategySpec, symbol: string) {
    this.spec = spec;
    this.symbol = symbol;
    const params = resolveParameters(spec.type, spec.parameters);
    this.#strategy = createStrategy(spec);
    this.#market = new MarketContext(params.atrPeriod);
    this.#sizing = params;
  }

  /** Feeds one candle of the runner's symbol and interval; returns the signal it triggers, if any. */
  update(prepared: PreparedCandle): Signal | null {
    const market = this.#market.update(prepared.values);
    const advice = this.#strategy.update(prepared.values, market);
    // Without a positive ATR there is no stop to place: the advice is dropped, the state has moved on regardless.
    if (advice === null || market.atr === null || !(market.atr > 0)) return null;
    return buildSignal(this.spec, prepared, advice, { ...market, atr: market.atr }, this.#sizing);
  }

  /** Feeds past candles to bring the indicators up to date, discarding what they would have signalled. */
  warmUp(history: Iterable<PreparedCandle>): void {
    for (const prepared of history) {
      const market = this.#market.update(prepared.values);
      this.#strategy.update(prepared.values, market);
    }
  }
}
