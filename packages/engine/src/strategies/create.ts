import type { StrategySpec } from '@alphintra/core';
import { resolveParameters } from '../parameters.ts';
import type { Strategy } from '../types.ts';
import { EmaCrossover } from './ema-crossover.ts';
import { RsiReversion } from './rsi-reversion.ts';

/** A fresh, unwarmed strategy for a spec; throws a `RangeError` when its parameters are invalid. */
export function createStrategy(spec: Pick<StrategySpec, 'type' | 'parameters'>): Strategy {
  switch (spec.type) {
    case 'EMA_CROSSOVER':
      return new EmaCrossover(resolveParameters('EMA_CROSSOVER', spec.parameters));
    case 'RSI_REVERSION':
      return new RsiReversion(resolveParameters('RSI_REVERSION', spec.parameters));
  }
}
