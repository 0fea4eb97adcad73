import { readFileSync } from 'node:fs';
import type { Candle, Signal, StrategyDocument, StrategySpec } from '@alphintra/core';
import { everyCandleDocument } from '@alphintra/testkit';
import { bollingerbands, ema, truerange, wema } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { loadRecordedKlines } from './__fixtures__/klines.ts';
import { bollingerDocument, documentSpec, emaCrossDocument, emaSpec, rsiSpec } from './__fixtures__/specs.ts';
import { documentLookback } from './document/compile.ts';
import { STRATEGY_TEMPLATES } from './document/templates.ts';
import { backtest, InferenceEngine } from './engine.ts';
import { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM } from './model/example.ts';
import { modelKey } from './model/model.ts';
import { loadOnnxModel } from './model/onnx-runtime.ts';

const candles = loadRecordedKlines();
const close = candles.map((c) => Number(c.close));
const high = candles.map((c) => Number(c.high));
const low = candles.map((c) => Number(c.low));

function template(id: string): StrategyDocument {
  const found = STRATEGY_TEMPLATES.find((t) => t.id === id);
  if (found === undefined) throw new Error(`no template ${id}`);
  return found.document;
}

/** A reference series from technicalindicators, aligned to candle indexes (NaN before its first value). */
function aligned(values: readonly number[]): number[] {
  return [...new Array<number>(candles.length - values.length).fill(Number.NaN), ...values];
}

/** Wilder ATR with TradingView's first true range (high - low), from technicalindicators' TrueRange and WEMA. */
function referenceAtr(period: number): number[] {
  return aligned(
    wema({ period, values: [(high[0] as number) - (low[0] as number), ...truerange({ high, low, close })] }),
  );
}

interface Expected {
  readonly timestamp: number;
  readonly rule: string;
  readonly action: 'BUY' | 'SELL';
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly confidence: number;
}

function expectClose(signals: readonly Signal[], expected: readonly Expected[]): void {
  expect(signals.map((s) => [s.timestamp, s.explanation.rule, s.action])).toEqual(
    expected.map((e) => [e.timestamp, e.rule, e.action]),
  );
  signals.forEach((s, i) => {
    const e = expected[i] as Expected;
    // Printed to the market's 8 decimals; the two libraries agree to ~1e-12, so one tick of rounding at most.
    expect(Math.abs(Number(s.stopLoss) - e.stopLoss)).toBeLessThanOrEqual(1e-8);
    expect(Math.abs(Number(s.takeProfit) - e.takeProfit)).toBeLessThanOrEqual(1e-8);
    expect(Math.abs(s.confidence - e.confidence)).toBeLessThanOrEqual(1e-4);
  });
}

describe('templates on the recorded klines, against signals computed here', () => {
  it('EMA crossover (9/21, ATR 14 stops, cooldown 3): indicators from technicalindicators', async () => {
    const doc = template('ema-crossover');
    const fast = aligned(ema({ period: 9, values: close }));
    const slow = aligned(ema({ period: 21, values: close }));
    const atr = referenceAtr(14);
    const expected: Expected[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (let t = 1; t < candles.length; t++) {
      if (t - last <= 3) continue;
      const [f, s, pf, ps] = [fast[t], slow[t], fast[t - 1], slow[t - 1]] as [number, number, number, number];
      const side = f > s && pf <= ps ? 1 : f < s && pf >= ps ? -1 : 0;
      const a = atr[t] as number;
      if (side === 0 || !(a > 0)) continue;
      last = t;
      const entry = close[t] as number;
      const confidence = 0.5 + 0.3 * Math.min(1, Math.abs(f - s) / (0.5 * a));
      expected.push({
        timestamp: (candles[t] as Candle).closeTime,
        rule: side > 0 ? 'golden-cross' : 'death-cross',
        action: side > 0 ? 'BUY' : 'SELL',
        stopLoss: entry - side * 2 * a,
        takeProfit: entry + side * 3 * a,
        confidence: Math.round(confidence * 1e4) / 1e4,
      });
    }
    const signals = await backtest([documentSpec(doc)], candles);
    expect(signals.length).toBeGreaterThan(300);
    expectClose(signals, expected);
    expect(signals[0]?.explanation.indicators.map((i) => i.name)).toEqual(['fast', 'slow']);
    expect(signals.every((s) => s.expiresAt === s.timestamp + 5 * 60_000)).toBe(true);
  });

  it('Bollinger reversion (20, 2; target the middle band; ATR 1.5 stop; cooldown 5): bands from technicalindicators', async () => {
    const doc = template('bollinger-reversion');
    const bands = bollingerbands({ period: 20, stdDev: 2, values: close });
    const lower = aligned(bands.map((b) => b.lower));
    const upper = aligned(bands.map((b) => b.upper));
    const middle = aligned(bands.map((b) => b.middle));
    const atr = referenceAtr(14);
    const expected: Expected[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (let t = 1; t < candles.length; t++) {
      if (t - last <= 5) continue;
      const [c, pc] = [close[t], close[t - 1]] as [number, number];
      const side =
        c > (lower[t] as number) && pc <= (lower[t - 1] as number)
          ? 1
          : c < (upper[t] as number) && pc >= (upper[t - 1] as number)
            ? -1
            : 0;
      if (side === 0) continue;
      const a = atr[t] as number;
      const stop = c - side * 1.5 * a;
      const target = middle[t] as number;
      // A target on the wrong side of the entry (or an unknown ATR) suppresses the signal, and starts no cooldown.
      if (!(side * (c - stop) > 0 && side * (target - c) > 0)) continue;
      last = t;
      const confidence = 0.4 + 0.2 * Math.min(2, Math.abs(target - c) / (1.5 * a));
      expected.push({
        timestamp: (candles[t] as Candle).closeTime,
        rule: side > 0 ? 'back-above-lower' : 'back-below-upper',
        action: side > 0 ? 'BUY' : 'SELL',
        stopLoss: stop,
        takeProfit: target,
        confidence: Math.round(Math.min(1, confidence) * 1e4) / 1e4,
      });
    }
    const signals = await backtest([documentSpec(doc, { id: 'bb' })], candles);
    expect(signals.length).toBeGreaterThan(100);
    expectClose(signals, expected);
    expect(signals[0]?.explanation.indicators.map((i) => i.name)).toEqual(['bb.lower']);
  });

  it('every template compiles, runs and signals on the recorded klines', async () => {
    const specs = STRATEGY_TEMPLATES.map((t) => documentSpec(t.document, { id: t.id, name: t.name }));
    const bytes = readFileSync(new URL('../../../fixtures/models/example-logreg.onnx', import.meta.url));
    const definition = { ...EXAMPLE_MODEL, version: 1, checksum: EXAMPLE_MODEL_CHECKSUM };
    const models = new Map([[modelKey(definition), await loadOnnxModel(bytes, definition)]]);
    const engine = new InferenceEngine({ models });
    expect(engine.setStrategies(specs)).toEqual([]);
    for (const candle of candles) await engine.process(candle);
    for (const stats of engine.versionStats()) {
      expect(stats.state).toBe('RUNNING');
      expect(stats.signals).toBeGreaterThan(0);
    }
  });
});

describe('InferenceEngine', () => {
  it('shares one indicator node between strategies asking for the same indicator on a series', () => {
    const ema12 = (id: string, other: StrategyDocument['indicators']): StrategySpec =>
      documentSpec(
        {
          ...emaCrossDocument(),
          indicators: { mine: { type: 'EMA', period: 12 }, ...other },
          rules: [{ id: 'up', side: 'BUY', when: { crossesAbove: [{ ind: 'mine' }, { ind: 'other' }] } }],
          stopLoss: { percent: 1 },
          takeProfit: { percent: 2 },
        },
        { id },
      );
    const a = ema12('a', { other: { type: 'SMA', period: 30 } });
    const b = ema12('b', { other: { type: 'EMA', period: 12, source: 'close' } });
    const engine = new InferenceEngine({ strategies: [a] });
    expect(engine.stats.indicatorNodes).toBe(2); // EMA(12,close), SMA(30,close)
    engine.setStrategies([a, b]);
    // b's two names are both EMA(12) of close: the same node as a's.
    expect(engine.stats.indicatorNodes).toBe(2);
    engine.setStrategies([b]);
    expect(engine.stats.indicatorNodes).toBe(1);
    engine.setStrategies([]);
    expect(engine.stats.indicatorNodes).toBe(0);
  });

  it('isolates a version whose evaluation throws: ERROR with the message, the others keep signalling', async () => {
    // A take profit that overflows to Infinity is on the right side of any entry, but is no price to print.
    const broken = documentSpec(
      { ...emaCrossDocument(), takeProfit: { price: { mul: [1e200, { mul: [1e200, { field: 'close' }] }] } } },
      { id: 'broken' },
    );
    const engine = new InferenceEngine({ strategies: [broken, emaSpec()] });
    const signals = candles.flatMap((candle) => engine.onCandle(candle));
    const [brokenStats, healthy] = engine.versionStats();
    expect(brokenStats).toMatchObject({ id: 'broken', state: 'ERROR', errors: 1, signals: 0 });
    expect(brokenStats?.lastError).toContain('not a finite price');
    expect(healthy).toMatchObject({ id: 'ema-cross', state: 'RUNNING', errors: 0 });
    expect(signals.length).toBeGreaterThan(300);
    expect(signals.every((s) => s.strategyId === 'ema-cross')).toBe(true);
    expect(signals).toEqual(await backtest([emaSpec()], candles));
  });

  it('marks SHADOW versions signals as shadow, and runs two versions of one strategy side by side', async () => {
    const v1 = emaSpec();
    const v2 = emaSpec({ version: 2, mode: 'SHADOW', document: emaCrossDocument(5, 13) });
    const signals = await backtest([v2, v1], candles.slice(0, 2000));
    const first = signals.filter((s) => s.strategyVersion === 1);
    const second = signals.filter((s) => s.strategyVersion === 2);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(first.every((s) => !s.shadow)).toBe(true);
    expect(second.every((s) => s.shadow)).toBe(true);
    // Within a candle, signals come in (strategy id, version) order.
    for (let i = 1; i < signals.length; i++) {
      const [p, s] = [signals[i - 1] as Signal, signals[i] as Signal];
      if (p.timestamp === s.timestamp) expect(p.strategyVersion).toBeLessThan(s.strategyVersion);
    }
  });

  it('gives no signal for candles closed at or before activation, and then what a backtest gives', async () => {
    const activatedAt = (candles[3000] as Candle).closeTime;
    const signals = await backtest([emaSpec({ activatedAt })], candles);
    expect(signals[0]?.timestamp).toBeGreaterThan(activatedAt);
    expect(signals).toEqual((await backtest([emaSpec()], candles)).filter((s) => s.timestamp > activatedAt));
  });

  it('keeps a running version across reloads and warms a new one on the kept history without signalling', async () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()] });
    const seen: Signal[] = [];
    candles.slice(0, 5000).forEach((candle, i) => {
      if (i === 2500) engine.setStrategies([emaSpec({ name: 'renamed' }), rsiSpec()]);
      seen.push(...engine.onCandle(candle));
    });
    const ema = seen.filter((s) => s.strategyId === 'ema-cross');
    const reference = await backtest([emaSpec()], candles.slice(0, 5000));
    expect(ema.map((s) => s.id)).toEqual(reference.map((s) => s.id));
    // The RSI version joined at candle 2500, warmed on the 1,000 kept candles: from there it gives what a backtest
    // over those candles gives.
    const rsi = seen.filter((s) => s.strategyId === 'rsi-reversion');
    const fromHistory = (await backtest([rsiSpec()], candles.slice(1500, 5000))).filter(
      (s) => s.timestamp > (candles[2499] as Candle).closeTime,
    );
    expect(rsi).toEqual(fromHistory);
  });

  it("lets a replaced version evaluate the candles up to its successor's activation, then only the successor", () => {
    // Signals on every candle: which version gave each one is the whole question.
    const always = everyCandleDocument;
    const v1 = documentSpec(always(1), { id: 'switch', activatedAt: (candles[0] as Candle).openTime });
    // Activated when the candle store held candles up to 199 while this engine had evaluated up to 99 only.
    const v2 = documentSpec(always(1.5), { id: 'switch', version: 2, activatedAt: (candles[199] as Candle).closeTime });
    const engine = new InferenceEngine({ strategies: [v1] });
    const seen: Signal[] = [];
    candles.slice(0, 300).forEach((candle, i) => {
      if (i === 100) {
        engine.setStrategies([v2]);
        expect(engine.versionStats().map((s) => s.version)).toEqual([2]);
      }
      // A reload that changes nothing (the engine's periodic check) keeps the replaced version to its end.
      if (i === 150) engine.setStrategies([v2]);
      seen.push(...engine.onCandle(candle));
    });
    const expected = candles.slice(0, 300).map((c, i) => ({ timestamp: c.closeTime, version: i <= 199 ? 1 : 2 }));
    expect(seen.map((s) => ({ timestamp: s.timestamp, version: s.strategyVersion }))).toEqual(expected);

    // Caught up with the store when the change comes: the replaced version has nothing left to evaluate.
    const caughtUp = new InferenceEngine({ strategies: [v1] });
    const now = { ...v2, activatedAt: (candles[249] as Candle).closeTime };
    const after: Signal[] = [];
    candles.slice(0, 300).forEach((candle, i) => {
      if (i === 250) caughtUp.setStrategies([now]);
      after.push(...caughtUp.onCandle(candle));
    });
    expect(after.map((s) => s.strategyVersion)).toEqual([...Array(250).fill(1), ...Array(50).fill(2)]);

    // Deactivated, with nothing in its place: no candle after the reload signals.
    const stopped = new InferenceEngine({ strategies: [v1] });
    const before = candles.slice(0, 100).flatMap((candle) => stopped.onCandle(candle));
    stopped.setStrategies([]);
    expect(before).toHaveLength(100);
    expect(candles.slice(100, 300).flatMap((candle) => stopped.onCandle(candle))).toEqual([]);
    expect(stopped.stats.indicatorNodes).toBe(0);
  });

  it('returns specs whose document does not compile, with the problems, and runs the others', () => {
    const bad = documentSpec(
      { ...emaCrossDocument(), rules: [{ id: 'x', side: 'BUY', when: { gt: [{ ind: 'nope' }, 1] } }] },
      { id: 'bad' },
    );
    const engine = new InferenceEngine();
    expect(engine.setStrategies([bad, emaSpec(), { ...emaSpec({ id: 'off' }), status: 'INACTIVE' }])).toEqual([
      { id: 'bad', version: 1, problems: [{ path: '/rules/0/when/gt/0/ind', message: 'no indicator named "nope"' }] },
    ]);
    expect(engine.stats.strategies).toBe(1);
  });

  it('skips redelivered candles and candles with unusable prices', async () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()] });
    const first = candles.slice(0, 100).flatMap((c) => engine.onCandle(c));
    expect(engine.onCandle(candles[50] as Candle)).toEqual([]);
    expect(engine.onCandle({ ...(candles[100] as Candle), close: 'NaN' })).toEqual([]);
    expect(engine.stats).toMatchObject({ candles: 100, skippedCandles: 2 });
    expect(first).toEqual(await backtest([emaSpec()], candles.slice(0, 100)));
  });

  it('is deterministic and explains each signal with the rule and its indicator values', async () => {
    const specs = [emaSpec(), rsiSpec(), documentSpec(bollingerDocument(), { id: 'bb' })];
    const a = await backtest(specs, candles);
    expect(await backtest(specs, candles)).toEqual(a);
    const rsi = a.find((s) => s.strategyId === 'rsi-reversion') as Signal;
    expect(rsi.explanation.rule).toBe('oversold-exit');
    expect(rsi.explanation.indicators).toEqual([{ name: 'rsi', value: expect.any(Number) }]);
    expect(rsi.quantity).not.toBeNull();
    const bb = a.find((s) => s.strategyId === 'bb') as Signal;
    expect(Number(bb.quantity)).toBeCloseTo(1 / Number(bb.priceTarget), 6);
    expect(bb.expiresAt).toBe(bb.timestamp + 5 * 60_000);
  });

  it('counts evaluations and signals per version', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()] });
    const signals = candles.slice(0, 3000).flatMap((c) => engine.onCandle(c));
    const [stats] = engine.versionStats();
    expect(stats).toMatchObject({ evaluations: 3000, signals: signals.length, mode: 'LIVE', state: 'RUNNING' });
    expect(stats?.lastSignalAt).toBe(signals.at(-1)?.timestamp);
    expect(stats?.p99Ms).toBeGreaterThanOrEqual(stats?.p50Ms ?? 0);
  });
});

describe('documentLookback', () => {
  it('is the longest warm-up plus how far back the conditions read', () => {
    // EMA(21) is known from the 21st candle; the crossing reads one candle back.
    expect(documentLookback(emaCrossDocument(9, 21))).toBe(22);
    // MACD(12, 26, 9): the signal line from candle 26 + 9 - 1 = 34, plus one for the crossing.
    expect(documentLookback(template('macd-cross'))).toBe(35);
    // An SMA(5) of an EMA(10) is known from candle 10 + 5 - 1 = 14; `ago: 3` inside forBars(2) reads 4 back.
    expect(
      documentLookback({
        ...emaCrossDocument(),
        indicators: { e: { type: 'EMA', period: 10 }, s: { type: 'SMA', period: 5, source: { ind: 'e' } } },
        rules: [{ id: 'r', side: 'BUY', when: { forBars: { bars: 2, cond: { gt: [{ ind: 's', ago: 3 }, 0] } } } }],
        stopLoss: { percent: 1 },
        takeProfit: { percent: 1 },
      }),
    ).toBe(18);
  });
});
