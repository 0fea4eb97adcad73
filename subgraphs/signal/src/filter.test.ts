import type { Signal } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { matchesFilter, normalizeFilter } from './filter.ts';

const live = { symbol: 'XRPETH', strategyId: 's1', action: 'BUY', confidence: 0.6, shadow: false } as Signal;
const shadow = { ...live, shadow: true } as Signal;

describe('signal filter', () => {
  it('passes live signals only unless shadow ones are asked for', () => {
    expect(matchesFilter(live, normalizeFilter(undefined))).toBe(true);
    expect(matchesFilter(shadow, normalizeFilter(undefined))).toBe(false);
    expect(matchesFilter(shadow, normalizeFilter({ shadow: false }))).toBe(false);
    expect(matchesFilter(shadow, normalizeFilter({ shadow: true }))).toBe(true);
    expect(matchesFilter(live, normalizeFilter({ shadow: true }))).toBe(false);
  });

  it('normalizes symbols and rejects a confidence out of range', () => {
    expect(matchesFilter(live, normalizeFilter({ symbols: [' xrpeth '], minConfidence: 0.5 }))).toBe(true);
    expect(() => normalizeFilter({ minConfidence: 1.5 })).toThrow(/between 0 and 1/);
  });

  it('refuses a strategy id that is not a UUID (the database column would fail on it)', () => {
    const id = '8a1d5b6e-6c1f-4f0e-9f55-3b5d2f0c7a11';
    expect(normalizeFilter({ strategyIds: [id] }).strategyIds).toEqual([id]);
    for (const bad of ['', 'not-an-id', `${id}x`]) {
      expect(() => normalizeFilter({ strategyIds: [id, bad] })).toThrow(/filter.strategyIds: .* is not a strategy id/);
    }
  });
});
