import { describe, expect, it } from 'vitest';
import { defaultParameters } from '../parameters.ts';
import type { Advice } from '../types.ts';
import { RsiReversion } from './rsi-reversion.ts';

function run(closes: readonly number[]) {
  const strategy = new RsiReversion(defaultParameters('RSI_REVERSION'));
  const advice: { index: number; advice: Advice }[] = [];
  closes.forEach((close, index) => {
    const result = strategy.update({ open: close, high: close, low: close, close, volume: 1 });
    if (result !== null) advice.push({ index, advice: result });
  });
  return advice;
}

/** 20 closes see-sawing around 100: RSI near 50. */
const calm = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 100 : 101));
const steps = (from: number, step: number, count: number) =>
  Array.from({ length: count }, (_, i) => from + step * (i + 1));

describe('RsiReversion', () => {
  it('says nothing entering or staying in the oversold zone', () => {
    expect(run([...calm, ...steps(100, -1, 15)])).toEqual([]);
  });

  it('gives BUY when the RSI crosses back up through oversold, once', () => {
    const advice = run([...calm, ...steps(100, -1, 10), ...steps(90, 1.5, 6)]);
    expect(advice.map(({ advice }) => advice.action)).toEqual(['BUY']);
  });

  it('gives SELL when the RSI crosses back down through overbought', () => {
    const advice = run([...calm, ...steps(101, 1, 10), ...steps(111, -1.5, 6)]);
    expect(advice.map(({ advice }) => advice.action)).toEqual(['SELL']);
  });

  it('is more confident after a deeper extreme', () => {
    // Eight falling closes take the RSI to about 28, sixteen to about 16.
    const shallow = run([...calm, ...steps(100, -1, 8), ...steps(92, 1, 6)])[0]?.advice;
    const deep = run([...calm, ...steps(100, -1, 16), ...steps(84, 2, 6)])[0]?.advice;
    expect(shallow?.action).toBe('BUY');
    expect(deep?.action).toBe('BUY');
    expect(deep?.confidence).toBeGreaterThan(shallow?.confidence ?? 1);
    expect(deep?.confidence).toBeLessThanOrEqual(1);
  });
});
