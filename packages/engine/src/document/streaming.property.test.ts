import {
  type CandleField,
  type Condition,
  type Expr,
  formatPrice,
  INTERVALS,
  type IndicatorSpec,
  type LevelSpec,
  type Signal,
  type StrategyDocument,
  type StrategySpec,
} from '@alphintra/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRecordedKlines } from '../__fixtures__/klines.ts';
import { documentSpec } from '../__fixtures__/specs.ts';
import { InferenceEngine } from '../engine.ts';
import { prepareCandle } from '../signal.ts';
import type { CandleValues } from '../types.ts';
import { IndicatorGraph, NODE_OUTPUTS, type NodeSpec, nodeSpec } from './indicators.ts';

// Property: for random valid documents, the streaming engine (candle by candle, indicators shared in one graph,
// a second strategy added mid-stream and warmed up on the kept history) gives exactly the signals of a batch
// evaluation written here: every indicator series computed alone over the whole window first, then the document
// interpreted per index over those arrays. Indicator values themselves are checked against technicalindicators in
// indicators.test.ts; this test is about evaluation, sharing and warm-up.

const ALL = loadRecordedKlines();
const WINDOW = 1200;

// --- a small grammar of documents, within DOCUMENT_LIMITS -----------------------------------------------------

const period = fc.constantFrom(1, 2, 3, 5, 9, 14, 20);
const field = fc.constantFrom<CandleField>('open', 'high', 'low', 'close', 'hl2', 'hlc3', 'ohlc4');
const ago = fc.constantFrom(0, 0, 0, 1, 2, 3);

interface Named {
  readonly name: string;
  readonly spec: IndicatorSpec;
  readonly outs: readonly string[];
}

function indicatorArb(previous: readonly Named[]): fc.Arbitrary<IndicatorSpec> {
  const source =
    previous.length === 0
      ? fc.option(field, { nil: undefined })
      : fc.oneof(
          fc.option(field, { nil: undefined }),
          fc
            .constantFrom(...previous)
            .chain((p) =>
              fc.constantFrom(...p.outs).map((out) => (p.outs.length > 1 ? { ind: p.name, out } : { ind: p.name })),
            ),
        );
  const withSource = <T extends object>(spec: T, src: unknown): T =>
    src === undefined ? spec : { ...spec, source: src };
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom('SMA', 'EMA', 'WMA', 'RSI', 'ROC', 'HIGHEST', 'LOWEST') as fc.Arbitrary<'SMA'>,
        period,
        source,
      )
      .map(([type, p, src]) => withSource({ type, period: p }, src) as IndicatorSpec),
    fc
      .tuple(fc.constantFrom([3, 10, 16], [12, 26, 9], [5, 8, 3]), source)
      .map(([[f, s, g], src]) => withSource({ type: 'MACD', fast: f, slow: s, signal: g }, src) as IndicatorSpec),
    fc
      .tuple(period, fc.constantFrom(1, 2, 2.5), source)
      .map(([p, d, src]) => withSource({ type: 'BBANDS', period: Math.max(2, p), stdDev: d }, src) as IndicatorSpec),
    period.map((p): IndicatorSpec => ({ type: 'ATR', period: p })),
    fc.tuple(period, fc.constantFrom(1, 3)).map(([k, d]): IndicatorSpec => ({ type: 'STOCH', k, d })),
    period.map((p): IndicatorSpec => ({ type: 'VWAP', period: p })),
    fc.constant<IndicatorSpec>({ type: 'OBV' }),
    period.map((p): IndicatorSpec => ({ type: 'VOLUME_SMA', period: p })),
  );
}

function outsOf(spec: IndicatorSpec): readonly string[] {
  switch (spec.type) {
    case 'MACD':
      return NODE_OUTPUTS.MACD;
    case 'BBANDS':
      return NODE_OUTPUTS.BBANDS;
    case 'STOCH':
      return NODE_OUTPUTS.STOCH;
    default:
      return ['value'];
  }
}

const indicatorsArb: fc.Arbitrary<Named[]> = fc.integer({ min: 1, max: 4 }).chain((count) => {
  let arb: fc.Arbitrary<Named[]> = fc.constant([{ name: 'atr', spec: { type: 'ATR', period: 14 }, outs: ['value'] }]);
  for (let i = 0; i < count; i++) {
    arb = arb.chain((list) => indicatorArb(list).map((spec) => [...list, { name: `i${i}`, spec, outs: outsOf(spec) }]));
  }
  return arb;
});

function exprArb(names: readonly Named[], depth: number): fc.Arbitrary<Expr> {
  const ref = fc.tuple(fc.constantFrom(...names), ago).chain(([n, a]) =>
    fc.constantFrom(...n.outs).map(
      (out): Expr => ({
        ind: n.name,
        ...(n.outs.length > 1 && out !== n.outs[0] ? { out } : {}),
        ...(a === 0 ? {} : { ago: a }),
      }),
    ),
  );
  const leaf = fc.oneof(
    { weight: 4, arbitrary: ref },
    {
      weight: 2,
      arbitrary: fc.tuple(field, ago).map(([f, a]): Expr => (a === 0 ? { field: f } : { field: f, ago: a })),
    },
    { weight: 1, arbitrary: fc.constantFrom<Expr>(0, 0.5, 1, 20, 30, 50, 70, 80) },
  );
  if (depth <= 0) return leaf;
  const sub = exprArb(names, depth - 1);
  return fc.oneof(
    { weight: 6, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ add: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ sub: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ mul: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ div: [a, b] })) },
    { weight: 1, arbitrary: sub.map((a): Expr => ({ abs: a })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ min: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([a, b]): Expr => ({ max: [a, b] })) },
  );
}

function conditionArb(names: readonly Named[], depth: number): fc.Arbitrary<Condition> {
  const e = exprArb(names, 1);
  const pair = fc.tuple(e, e);
  const leaf = fc.oneof(
    { weight: 3, arbitrary: pair.map(([a, b]): Condition => ({ crossesAbove: [a, b] })) },
    { weight: 3, arbitrary: pair.map(([a, b]): Condition => ({ crossesBelow: [a, b] })) },
    { weight: 1, arbitrary: pair.map(([a, b]): Condition => ({ gt: [a, b] })) },
    { weight: 1, arbitrary: pair.map(([a, b]): Condition => ({ gte: [a, b] })) },
    { weight: 1, arbitrary: pair.map(([a, b]): Condition => ({ lt: [a, b] })) },
    { weight: 1, arbitrary: pair.map(([a, b]): Condition => ({ lte: [a, b] })) },
    { weight: 1, arbitrary: fc.tuple(e, e, e).map(([a, b, c]): Condition => ({ between: [a, b, c] })) },
  );
  if (depth <= 0) return leaf;
  const sub = conditionArb(names, depth - 1);
  return fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((and): Condition => ({ and })) },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((or): Condition => ({ or })) },
    { weight: 1, arbitrary: sub.map((not): Condition => ({ not })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 3 }), sub)
        .map(([bars, cond]): Condition => ({ forBars: { bars, cond } })),
    },
  );
}

function levelArb(names: readonly Named[]): fc.Arbitrary<LevelSpec> {
  return fc.oneof(
    fc.constantFrom(0.2, 0.5, 1, 3).map((percent): LevelSpec => ({ percent })),
    fc.constantFrom(0.5, 1, 2, 3).map((multiple): LevelSpec => ({ atr: 'atr', multiple })),
    exprArb(names, 1).map((price): LevelSpec => ({ price })),
  );
}

const documentArb: fc.Arbitrary<StrategyDocument> = indicatorsArb.chain((names) =>
  fc
    .record({
      rules: fc.array(fc.tuple(fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), conditionArb(names, 2)), {
        minLength: 1,
        maxLength: 3,
      }),
      stopLoss: levelArb(names),
      takeProfit: levelArb(names),
      sizing: fc.option(
        fc.oneof(fc.constant({ quantity: 2 }), fc.constant({ quoteAmount: 0.5 }), fc.constant({ riskAmount: 0.001 })),
        { nil: undefined },
      ),
      confidence: fc.option(exprArb(names, 1), { nil: undefined }),
      cooldownBars: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      lifetimeBars: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    })
    .map(({ rules, sizing, confidence, cooldownBars, lifetimeBars, ...levels }) => ({
      version: 1 as const,
      interval: '1m' as const,
      indicators: Object.fromEntries(names.map((n) => [n.name, n.spec])),
      rules: rules.map(([side, when], i) => ({ id: `rule-${i}`, side, when })),
      ...levels,
      ...(sizing === undefined ? {} : { sizing }),
      ...(confidence === undefined ? {} : { confidence }),
      ...(cooldownBars === undefined ? {} : { cooldownBars }),
      ...(lifetimeBars === undefined ? {} : { lifetimeBars }),
    })),
);

// --- the batch evaluation ----------------------------------------------------------------------------------------

/** What a signal says, in numbers, for comparison. */
interface Expected {
  readonly index: number;
  readonly rule: string;
  readonly action: 'BUY' | 'SELL';
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly quantity: number | null;
  readonly confidence: number;
  readonly indicators: readonly { name: string; value: number | null }[];
}

/** One node spec per document indicator, built directly from the document (VOLUME_SMA = SMA of volume). */
function specOf(doc: StrategyDocument, name: string): NodeSpec {
  const ind = doc.indicators[name] as IndicatorSpec;
  const src = (): NodeSpec['input'] => {
    const s = 'source' in ind ? ind.source : undefined;
    if (s === undefined) return { field: 'close' };
    if (typeof s === 'string') return { field: s };
    const inner = specOf(doc, s.ind);
    return { node: inner, out: s.out ?? (NODE_OUTPUTS[inner.kind][0] as string) };
  };
  switch (ind.type) {
    case 'MACD':
      return nodeSpec('MACD', [ind.fast, ind.slow, ind.signal], src());
    case 'BBANDS':
      return nodeSpec('BBANDS', [ind.period, ind.stdDev], src());
    case 'ATR':
      return nodeSpec('ATR', [ind.period], null);
    case 'STOCH':
      return nodeSpec('STOCH', [ind.k, ind.d], null);
    case 'VWAP':
      return nodeSpec('VWAP', [ind.period], null);
    case 'OBV':
      return nodeSpec('OBV', [], null);
    case 'VOLUME_SMA':
      return nodeSpec('SMA', [ind.period], { field: 'volume' });
    default:
      return nodeSpec(ind.type, [ind.period], src());
  }
}

/** Every output of `spec` at every index of `candles`, computed by that indicator alone in a fresh graph. */
function fullSeries(spec: NodeSpec, candles: readonly CandleValues[]): Map<string, Float64Array> {
  const graph = new IndicatorGraph();
  const node = graph.acquire(spec);
  const outs = NODE_OUTPUTS[spec.kind];
  const series = new Map(outs.map((out) => [out, new Float64Array(candles.length)]));
  candles.forEach((candle, t) => {
    graph.update(candle);
    outs.forEach((out, i) => {
      (series.get(out) as Float64Array)[t] = node.value(i, 0);
    });
  });
  return series;
}

function fieldOf(c: CandleValues, f: CandleField): number {
  switch (f) {
    case 'hl2':
      return (c.high + c.low) / 2;
    case 'hlc3':
      return (c.high + c.low + c.close) / 3;
    case 'ohlc4':
      return (c.open + c.high + c.low + c.close) / 4;
    default:
      return c[f];
  }
}

function batch(doc: StrategyDocument, candles: readonly CandleValues[]): Expected[] {
  const series = new Map(Object.keys(doc.indicators).map((name) => [name, fullSeries(specOf(doc, name), candles)]));
  const out = (name: string, o: string | undefined) => {
    const s = series.get(name) as Map<string, Float64Array>;
    return (o === undefined ? [...s.values()][0] : s.get(o)) as Float64Array;
  };
  const value = (e: Expr, t: number): number => {
    if (typeof e === 'number') return e;
    if ('field' in e) {
      const i = t - (e.ago ?? 0);
      return i < 0 ? Number.NaN : fieldOf(candles[i] as CandleValues, e.field);
    }
    if ('ind' in e) {
      const i = t - (e.ago ?? 0);
      return i < 0 ? Number.NaN : (out(e.ind, e.out)[i] as number);
    }
    if ('abs' in e) return Math.abs(value(e.abs, t));
    if ('add' in e) return value(e.add[0], t) + value(e.add[1], t);
    if ('sub' in e) return value(e.sub[0], t) - value(e.sub[1], t);
    if ('mul' in e) return value(e.mul[0], t) * value(e.mul[1], t);
    if ('div' in e) {
      const d = value(e.div[1], t);
      return d === 0 ? Number.NaN : value(e.div[0], t) / d;
    }
    if ('min' in e) return Math.min(value(e.min[0], t), value(e.min[1], t));
    if ('max' in e) return Math.max(value(e.max[0], t), value(e.max[1], t));
    throw new Error('the random documents read no model');
  };
  const holds = (c: Condition, t: number): boolean => {
    if ('crossesAbove' in c) {
      const [a, b] = c.crossesAbove;
      return value(a, t) > value(b, t) && value(a, t - 1) <= value(b, t - 1);
    }
    if ('crossesBelow' in c) {
      const [a, b] = c.crossesBelow;
      return value(a, t) < value(b, t) && value(a, t - 1) >= value(b, t - 1);
    }
    if ('gt' in c) return value(c.gt[0], t) > value(c.gt[1], t);
    if ('gte' in c) return value(c.gte[0], t) >= value(c.gte[1], t);
    if ('lt' in c) return value(c.lt[0], t) < value(c.lt[1], t);
    if ('lte' in c) return value(c.lte[0], t) <= value(c.lte[1], t);
    if ('between' in c) {
      const v = value(c.between[0], t);
      return value(c.between[1], t) <= v && v <= value(c.between[2], t);
    }
    if ('and' in c) return c.and.every((x) => holds(x, t));
    if ('or' in c) return c.or.some((x) => holds(x, t));
    if ('not' in c) return !holds(c.not, t);
    for (let i = 0; i < c.forBars.bars; i++) if (!holds(c.forBars.cond, t - i)) return false;
    return true;
  };
  const refs = (c: Condition | Expr, acc: Map<string, Expr>): Map<string, Expr> => {
    if (typeof c !== 'object' || c === null) return acc;
    if ('ind' in c && typeof c.ind === 'string') {
      const name = c.out === undefined ? c.ind : `${c.ind}.${c.out}`;
      if (!acc.has(name)) acc.set(name, { ind: c.ind, ...(c.out === undefined ? {} : { out: c.out }) });
      return acc;
    }
    for (const v of Object.values(c)) {
      if (Array.isArray(v)) for (const x of v) refs(x, acc);
      else if (typeof v === 'object') refs(v, acc);
    }
    return acc;
  };
  const level = (spec: LevelSpec, entry: number, side: number, t: number): number => {
    if ('percent' in spec) return entry * (1 + (side * spec.percent) / 100);
    if ('atr' in spec) return entry + side * spec.multiple * (out(spec.atr, undefined)[t] as number);
    return value(spec.price, t);
  };

  const result: Expected[] = [];
  let lastSignal = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < candles.length; t++) {
    if (t - lastSignal <= (doc.cooldownBars ?? 0)) continue;
    const rule = doc.rules.find((r) => holds(r.when, t));
    if (rule === undefined) continue;
    const entry = (candles[t] as CandleValues).close;
    const dir = rule.side === 'BUY' ? 1 : -1;
    const stop = level(doc.stopLoss, entry, -dir, t);
    const target = level(doc.takeProfit, entry, dir, t);
    // A level on the wrong side (or unknown) suppresses the signal, and a suppressed signal starts no cooldown.
    if (!(dir * (entry - stop) > 0 && dir * (target - entry) > 0)) continue;
    lastSignal = t;
    const raw = doc.confidence === undefined ? 0.5 : value(doc.confidence, t);
    const sizing = doc.sizing;
    result.push({
      index: t,
      rule: rule.id,
      action: rule.side,
      stopLoss: stop,
      takeProfit: target,
      quantity:
        sizing === undefined
          ? null
          : 'quantity' in sizing
            ? sizing.quantity
            : 'quoteAmount' in sizing
              ? sizing.quoteAmount / entry
              : sizing.riskAmount / Math.abs(entry - stop),
      confidence: Number.isNaN(raw) ? 0.5 : Math.round(Math.min(1, Math.max(0, raw)) * 10_000) / 10_000,
      indicators: [...refs(rule.when, new Map()).entries()].map(([name, e]) => {
        const v = value(e, t);
        return { name, value: Number.isNaN(v) ? null : v };
      }),
    });
  }
  return result;
}

function expectSame(
  signals: readonly Signal[],
  expected: readonly Expected[],
  closeTimes: readonly number[],
  doc: StrategyDocument,
): void {
  expect(signals.map((s) => [s.timestamp, s.explanation.rule, s.action])).toEqual(
    expected.map((e) => [closeTimes[e.index], e.rule, e.action]),
  );
  signals.forEach((s, i) => {
    const e = expected[i] as Expected;
    // The recorded prices have 8 decimals: levels are floored at one tick and printed with 8.
    expect(s.stopLoss).toBe(formatPrice(Math.max(1e-8, e.stopLoss), 8));
    expect(s.takeProfit).toBe(formatPrice(Math.max(1e-8, e.takeProfit), 8));
    expect(s.confidence).toBe(e.confidence);
    if (e.quantity === null) expect(s.quantity).toBeNull();
    else expect(Number(s.quantity)).toBe(e.quantity);
    expect(s.explanation.indicators).toEqual(e.indicators);
    expect(s.expiresAt).toBe(s.timestamp + (doc.lifetimeBars ?? 1) * INTERVALS['1m']);
  });
}

describe('streaming evaluation equals a batch evaluation (fast-check)', () => {
  it('for random documents, one from the start and one added mid-stream', () => {
    let signalled = 0;
    fc.assert(
      fc.property(
        documentArb,
        documentArb,
        fc.integer({ min: 0, max: ALL.length - WINDOW }),
        fc.integer({ min: 1, max: WINDOW - 1 }),
        (first, second, offset, joinAt) => {
          const candles = ALL.slice(offset, offset + WINDOW);
          const values = candles.map((c) => prepareCandle(c).values);
          const closeTimes = candles.map((c) => c.closeTime);
          const a: StrategySpec = documentSpec(first, { id: 'a' });
          const b: StrategySpec = documentSpec(second, { id: 'b' });
          const engine = new InferenceEngine({ strategies: [a], historySize: WINDOW });
          const got = new Map<string, Signal[]>([
            ['a', []],
            ['b', []],
          ]);
          candles.forEach((candle, t) => {
            if (t === joinAt) expect(engine.setStrategies([a, b])).toEqual([]);
            for (const s of engine.onCandle(candle)) got.get(s.strategyId)?.push(s);
          });
          expectSame(got.get('a') ?? [], batch(first, values), closeTimes, first);
          expectSame(
            got.get('b') ?? [],
            batch(second, values).filter((e) => e.index >= joinAt),
            closeTimes,
            second,
          );
          signalled += (got.get('a')?.length ?? 0) + (got.get('b')?.length ?? 0);
        },
      ),
      { numRuns: 60, seed: 20_240_607 },
    );
    // The grammar must produce documents that actually signal, or the property says little.
    expect(signalled).toBeGreaterThan(100);
  });
});
