import {
  averagegain,
  averageloss,
  bollingerbands,
  ema,
  macd,
  obv,
  roc,
  sma,
  stochastic,
  truerange,
  wema,
  wma,
} from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { loadRecordedKlines } from '../__fixtures__/klines.ts';
import { prepareCandle } from '../signal.ts';
import type { CandleValues } from '../types.ts';
import { IndicatorGraph, NODE_OUTPUTS, type NodeKind, type NodeSpec, nodeSpec } from './indicators.ts';

// Expected values come from technicalindicators 3.1 (a second, independent library) or, where it has no such
// indicator, from a direct computation written here. All 13,681 recorded 1m candles are used.

const candles: CandleValues[] = loadRecordedKlines().map((candle) => prepareCandle(candle).values);
const close = candles.map((c) => c.close);
const high = candles.map((c) => c.high);
const low = candles.map((c) => c.low);
const volume = candles.map((c) => c.volume);
const N = candles.length;

/** Streams every candle through a graph holding `spec`; returns each output's values per candle (null = unknown). */
function stream(spec: NodeSpec): Record<string, (number | null)[]> {
  const graph = new IndicatorGraph();
  const node = graph.acquire(spec);
  const outputs = NODE_OUTPUTS[spec.kind];
  const result: Record<string, (number | null)[]> = Object.fromEntries(outputs.map((out) => [out, []]));
  for (const candle of candles) {
    graph.update(candle);
    outputs.forEach((out, i) => {
      const value = node.value(i, 0);
      result[out]?.push(Number.isNaN(value) ? null : value);
    });
  }
  return result;
}

function single(kind: NodeKind, params: number[], field: 'close' | 'volume' | null = 'close'): (number | null)[] {
  return stream(nodeSpec(kind, params, field === null ? null : { field }))['value'] as (number | null)[];
}

/**
 * Checks `actual` (one value per candle) against `reference`, whose first value belongs to candle `first`: unknown
 * exactly before `first`, and within 1e-9 relative after it. The scale is the larger of the value and the mean
 * magnitude of the reference series, so series crossing zero (MACD, OBV) are compared to their own size.
 */
function expectSeries(actual: readonly (number | null)[], reference: readonly number[], first: number): void {
  expect(actual.length).toBe(N);
  expect(actual.slice(0, first).every((value) => value === null)).toBe(true);
  expect(actual.length - first).toBe(reference.length);
  const scale = reference.reduce((sum, value) => sum + Math.abs(value), 0) / reference.length;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    const a = actual[first + i];
    const b = reference[i] as number;
    expect(a).not.toBeNull();
    worst = Math.max(worst, Math.abs((a as number) - b) / Math.max(Math.abs(b), scale, Number.MIN_VALUE));
  }
  expect(worst).toBeLessThan(1e-9);
}

describe('indicator nodes against technicalindicators on the recorded klines', () => {
  it.each([1, 5, 20, 200])('SMA(%i)', (period) => {
    expectSeries(single('SMA', [period]), sma({ period, values: close }), period - 1);
  });

  it.each([1, 9, 21, 200])(
    'EMA(%i), seeded with the SMA of the first period as both TradingView and they do',
    (period) => {
      expectSeries(single('EMA', [period]), ema({ period, values: close }), period - 1);
    },
  );

  it.each([1, 10, 50])('WMA(%i)', (period) => {
    expectSeries(single('WMA', [period]), wma({ period, values: close }), period - 1);
  });

  it.each([2, 14, 50])('RSI(%i) (Wilder)', (period) => {
    // technicalindicators' RSI rounds to 2 decimals; its unrounded Wilder averages give the exact reference.
    const gains = averagegain({ period, values: close });
    const losses = averageloss({ period, values: close });
    expect(gains.length).toBe(losses.length);
    const reference = gains.map((gain, i) => {
      const loss = losses[i] as number;
      return loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
    });
    expectSeries(single('RSI', [period]), reference, period);
  });

  it.each([1, 12, 100])('ROC(%i) in percent', (period) => {
    expectSeries(single('ROC', [period]), roc({ period, values: close }), period);
  });

  it.each([
    [12, 26, 9],
    [3, 10, 16],
  ])('MACD(%i, %i, %i): line, signal, histogram', (fast, slow, signal) => {
    const reference = macd({
      values: close,
      fastPeriod: fast,
      slowPeriod: slow,
      signalPeriod: signal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const actual = stream(nodeSpec('MACD', [fast, slow, signal], { field: 'close' }));
    expectSeries(
      actual['line'] ?? [],
      reference.map((r) => r.MACD as number),
      slow - 1,
    );
    // The reference reports the signal and histogram as undefined until the signal EMA is seeded.
    const seeded = reference.filter((r) => r.signal !== undefined);
    expectSeries(
      actual['signal'] ?? [],
      seeded.map((r) => r['signal'] as number),
      slow + signal - 2,
    );
    expectSeries(
      actual['histogram'] ?? [],
      seeded.map((r) => r['histogram'] as number),
      slow + signal - 2,
    );
  });

  it.each([
    [20, 2],
    [50, 2.5],
  ])('BBANDS(%i, %f): middle, upper, lower, and %B computed here', (period, stdDev) => {
    const reference = bollingerbands({ period, stdDev, values: close });
    const actual = stream(nodeSpec('BBANDS', [period, stdDev], { field: 'close' }));
    expectSeries(
      actual['middle'] ?? [],
      reference.map((r) => r.middle),
      period - 1,
    );
    expectSeries(
      actual['upper'] ?? [],
      reference.map((r) => r.upper),
      period - 1,
    );
    expectSeries(
      actual['lower'] ?? [],
      reference.map((r) => r.lower),
      period - 1,
    );
    // %B is unknown where the bands have no width (a flat window); compare where it is defined.
    const percentB = actual['percentB'] ?? [];
    reference.forEach((r, i) => {
      const expected = r.upper === r.lower ? null : ((close[period - 1 + i] as number) - r.lower) / (r.upper - r.lower);
      const value = percentB[period - 1 + i] ?? null;
      if (expected === null) expect(value).toBeNull();
      else expect(Math.abs((value as number) - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
    });
  });

  it.each([1, 14, 50])('ATR(%i) (Wilder)', (period) => {
    // Warm-up conventions differ: the engine (trading-signals, like TradingView's ta.atr) takes high - low as the
    // first candle's true range; technicalindicators' TrueRange skips the first candle. The reference here is
    // technicalindicators' Wilder average (WEMA) over [high0 - low0, ...its TrueRange].
    const ranges = [(high[0] as number) - (low[0] as number), ...truerange({ high, low, close })];
    expect(ranges.length).toBe(N);
    expectSeries(single('ATR', [period], null), wema({ period, values: ranges }), period - 1);
  });

  it.each([
    [14, 3],
    [5, 1],
  ])('STOCH(%i, %i): %K and %D', (k, d) => {
    const reference = stochastic({ high, low, close, period: k, signalPeriod: d });
    const actual = stream(nodeSpec('STOCH', [k, d], null));
    expectSeries(
      actual['k'] ?? [],
      reference.map((r) => r.k),
      k - 1,
    );
    const seeded = reference.filter((r) => r.d !== undefined);
    expectSeries(
      actual['d'] ?? [],
      seeded.map((r) => r.d),
      k + d - 2,
    );
  });

  it('OBV', () => {
    // technicalindicators starts at the second candle (relative to 0); the engine, like TradingView's ta.obv, also
    // reports 0 on the first candle.
    const actual = single('OBV', [], null);
    expect(actual[0]).toBe(0);
    expectSeries([null, ...actual.slice(1)], obv({ close, volume }), 1);
  });

  it.each([
    ['HIGHEST', 1],
    ['HIGHEST', 20],
    ['LOWEST', 20],
    ['LOWEST', 333],
  ] as const)('%s(%i), computed here by scanning each window', (kind, period) => {
    const reference: number[] = [];
    for (let i = period - 1; i < N; i++) {
      const window = close.slice(i - period + 1, i + 1);
      reference.push(kind === 'HIGHEST' ? Math.max(...window) : Math.min(...window));
    }
    expectSeries(single(kind, [period]), reference, period - 1);
  });

  it.each([1, 20, 390])('VWAP(%i), computed here over each window', (period) => {
    const reference: number[] = [];
    for (let i = period - 1; i < N; i++) {
      let priceVolume = 0;
      let totalVolume = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const c = candles[j] as CandleValues;
        priceVolume += ((c.high + c.low + c.close) / 3) * c.volume;
        totalVolume += c.volume;
      }
      reference.push(priceVolume / totalVolume);
    }
    expect(volume.every((v) => v > 0)).toBe(true);
    expectSeries(single('VWAP', [period], null), reference, period - 1);
  });

  it('an indicator of an indicator: SMA(5) of EMA(12)', () => {
    const inner = nodeSpec('EMA', [12], { field: 'close' });
    const actual = stream(nodeSpec('SMA', [5], { node: inner, out: 'value' }))['value'] ?? [];
    expectSeries(actual, sma({ period: 5, values: ema({ period: 12, values: close }) }), 11 + 4);
  });
});

describe('IndicatorGraph', () => {
  it('keys nodes canonically and shares them, counting users', () => {
    const graph = new IndicatorGraph();
    const ema12 = nodeSpec('EMA', [12], { field: 'close' });
    const smaOfEma = nodeSpec('SMA', [5], { node: ema12, out: 'value' });
    expect(smaOfEma.key).toBe('SMA(5,EMA(12,close))');
    const a = graph.acquire(ema12);
    const b = graph.acquire(nodeSpec('EMA', [12], { field: 'close' }));
    expect(b).toBe(a);
    graph.acquire(smaOfEma);
    expect(graph.size).toBe(2);
    graph.release(ema12);
    graph.release(ema12);
    expect(graph.size).toBe(2); // the SMA still reads the EMA
    graph.release(smaOfEma);
    expect(graph.size).toBe(0);
  });
});
