import type { StrategyType } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { defaultParameters, resolveParameters, validateStrategyParameters } from './parameters.ts';

const fields = (type: StrategyType, params: Record<string, unknown>) =>
  validateStrategyParameters(type, params).map((problem) => problem.field);

describe('defaultParameters', () => {
  it('gives the documented defaults', () => {
    expect(defaultParameters('EMA_CROSSOVER')).toEqual({
      fastPeriod: 9,
      slowPeriod: 21,
      atrPeriod: 14,
      stopLossAtr: 2,
      takeProfitAtr: 3,
    });
    expect(defaultParameters('RSI_REVERSION')).toEqual({
      period: 14,
      oversold: 30,
      overbought: 70,
      atrPeriod: 14,
      stopLossAtr: 1.5,
      takeProfitAtr: 2,
    });
  });

  it('are valid and a fresh object each time', () => {
    expect(validateStrategyParameters('EMA_CROSSOVER', defaultParameters('EMA_CROSSOVER'))).toEqual([]);
    expect(validateStrategyParameters('RSI_REVERSION', defaultParameters('RSI_REVERSION'))).toEqual([]);
    expect(defaultParameters('EMA_CROSSOVER')).not.toBe(defaultParameters('EMA_CROSSOVER'));
  });
});

describe('validateStrategyParameters', () => {
  it('accepts an empty or partial set (defaults fill the rest) and a positive quantity', () => {
    expect(fields('EMA_CROSSOVER', {})).toEqual([]);
    expect(fields('EMA_CROSSOVER', { fastPeriod: 5, quantity: 0.001 })).toEqual([]);
    expect(fields('RSI_REVERSION', { oversold: 20, overbought: 80, stopLossAtr: 0.5 })).toEqual([]);
  });

  it('names unknown parameters, including those of the other type', () => {
    expect(fields('EMA_CROSSOVER', { period: 14 })).toEqual(['period']);
    expect(fields('RSI_REVERSION', { fastPeriod: 9, foo: 1 })).toEqual(['fastPeriod', 'foo']);
    expect(validateStrategyParameters('EMA_CROSSOVER', { foo: 1 })[0]?.message).toMatch(/unknown parameter/);
  });

  it('wants positive integer periods', () => {
    expect(fields('EMA_CROSSOVER', { fastPeriod: 2.5 })).toEqual(['fastPeriod']);
    expect(fields('EMA_CROSSOVER', { atrPeriod: 0 })).toEqual(['atrPeriod']);
    expect(fields('RSI_REVERSION', { period: -14 })).toEqual(['period']);
    expect(validateStrategyParameters('RSI_REVERSION', { period: 0 })[0]?.message).toBe('must be a positive integer');
  });

  it('wants finite numbers', () => {
    expect(fields('EMA_CROSSOVER', { fastPeriod: '9', slowPeriod: Number.NaN, stopLossAtr: null })).toEqual([
      'fastPeriod',
      'slowPeriod',
      'stopLossAtr',
    ]);
    expect(fields('EMA_CROSSOVER', { takeProfitAtr: Number.POSITIVE_INFINITY })).toEqual(['takeProfitAtr']);
  });

  it('wants fastPeriod < slowPeriod, merged with the defaults', () => {
    expect(fields('EMA_CROSSOVER', { fastPeriod: 21, slowPeriod: 21 })).toEqual(['fastPeriod']);
    expect(fields('EMA_CROSSOVER', { fastPeriod: 30 })).toEqual(['fastPeriod']);
    expect(fields('EMA_CROSSOVER', { slowPeriod: 5 })).toEqual(['fastPeriod']);
    expect(validateStrategyParameters('EMA_CROSSOVER', { fastPeriod: 30 })[0]?.message).toMatch(/slowPeriod/);
  });

  it('wants thresholds strictly inside 0..100 and oversold < overbought', () => {
    expect(fields('RSI_REVERSION', { oversold: 0 })).toEqual(['oversold']);
    expect(fields('RSI_REVERSION', { overbought: 100 })).toEqual(['overbought']);
    expect(fields('RSI_REVERSION', { oversold: -5, overbought: 150 })).toEqual(['oversold', 'overbought']);
    expect(fields('RSI_REVERSION', { oversold: 70, overbought: 30 })).toEqual(['oversold']);
    expect(fields('RSI_REVERSION', { oversold: 75 })).toEqual(['oversold']);
  });

  it('wants positive multipliers and quantity', () => {
    expect(fields('EMA_CROSSOVER', { stopLossAtr: 0, takeProfitAtr: -1, quantity: 0 })).toEqual([
      'stopLossAtr',
      'takeProfitAtr',
      'quantity',
    ]);
    expect(fields('RSI_REVERSION', { stopLossAtr: -0.5 })).toEqual(['stopLossAtr']);
  });

  it('reports an unknown strategy type on `type`', () => {
    expect(fields('MACD' as StrategyType, {})).toEqual(['type']);
  });
});

describe('resolveParameters', () => {
  it('merges over the defaults', () => {
    expect(resolveParameters('RSI_REVERSION', { period: 7, quantity: 2 })).toEqual({
      ...defaultParameters('RSI_REVERSION'),
      period: 7,
      quantity: 2,
    });
  });

  it('refuses an invalid set, naming the field', () => {
    expect(() => resolveParameters('EMA_CROSSOVER', { fastPeriod: 50 })).toThrow(/fastPeriod/);
  });
});
