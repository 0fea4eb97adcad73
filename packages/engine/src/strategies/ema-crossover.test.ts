import type { MarketConditions } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { defaultParameters } from '../parameters.ts';
import type { Advice, MarketSnapshot } from '../types.ts';
import { EmaCrossover } from './ema-crossover.ts';

function market(marketConditions: MarketConditions = 'RANGING'): MarketSnapshot {
  return { atr: 1, marketConditions, volumeProfile: 'NORMAL' };
}

/** Feeds closes and returns the advice given, with the index of the close that triggered it. */
function run(closes: readonly number[], conditions: MarketConditions = 'RANGING') {
  const strategy = new EmaCrossover({ ...defaultParameters('EMA_CROSSOVER'), fastPeriod: 3, slowPeriod: 6 });
  const advice: { index: number; advice: Advice }[] = [];
  closes.forEach((close, index) => {
    const result = strategy.update({ open: close, high: close, low: close, close, volume: 1 }, market(conditions));
    if (result !== null) advice.push({ index, advice: result });
  });
  return advice;
}

const flat = Array.from({ length: 10 }, () => 100);
const down = [99, 98, 97, 96, 95, 94];
const up = [96, 98, 100, 102, 104, 106, 108];

describe('EmaCrossover', () => {
  it('says nothing while the EMAs warm up, sit together or stay on one side', () => {
    expect(run([...flat, ...down])).toEqual([]);
  });

  it('gives BUY when the fast EMA crosses above the slow one, once', () => {
    const advice = run([...flat, ...down, ...up]);
    expect(advice).toHaveLength(1);
    expect(advice[0]?.advice.action).toBe('BUY');
    // By hand (both EMAs seeded at 100): after 96 the fast EMA is 95.49 against 96.12, after 98 it is 96.75
    // against 96.66, so the second rising close is the cross.
    expect(advice[0]?.index).toBe(flat.length + down.length + 1);
  });

  it('gives SELL when the fast EMA crosses back below', () => {
    const advice = run([...flat, ...down, ...up, 104, 100, 96, 92]);
    expect(advice.map(({ advice }) => advice.action)).toEqual(['BUY', 'SELL']);
  });

  it('is more confident with the trend than against it, always within 0..1', () => {
    const closes = [...flat, ...down, ...up];
    const confidence = (conditions: MarketConditions) => run(closes, conditions)[0]?.advice.confidence ?? Number.NaN;
    expect(confidence('TRENDING_UP')).toBeGreaterThan(confidence('RANGING'));
    expect(confidence('RANGING')).toBeGreaterThan(confidence('TRENDING_DOWN'));
    for (const conditions of ['TRENDING_UP', 'RANGING', 'TRENDING_DOWN'] as const) {
      expect(confidence(conditions)).toBeGreaterThanOrEqual(0);
      expect(confidence(conditions)).toBeLessThanOrEqual(1);
    }
  });
});
