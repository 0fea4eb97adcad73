import { readFileSync } from 'node:fs';
import type { ModelDefinition, Signal, StrategyDocument } from '@alphintra/core';
import { averagegain, averageloss, ema } from 'technicalindicators';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_MODEL_FILE, TRAINING_KLINES, trainExampleModel } from '../../../../scripts/train-example.ts';
import { loadRecordedKlines } from '../__fixtures__/klines.ts';
import { documentSpec, emaSpec } from '../__fixtures__/specs.ts';
import { backtest, InferenceEngine } from '../engine.ts';
import { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM } from './example.ts';
import type { LoadedModel } from './model.ts';
import { modelKey } from './model.ts';
import { encodeOnnxModel, readOnnxInitializers } from './onnx-format.ts';
import { loadOnnxModel, ModelCheckError, modelChecksum } from './onnx-runtime.ts';

const candles = loadRecordedKlines();
const closes = candles.map((c) => Number(c.close));
const exampleBytes = new Uint8Array(readFileSync(EXAMPLE_MODEL_FILE));
const exampleDefinition: ModelDefinition = { ...EXAMPLE_MODEL, version: 1, checksum: EXAMPLE_MODEL_CHECKSUM };
const pin = { name: EXAMPLE_MODEL.name, version: 1, checksum: EXAMPLE_MODEL_CHECKSUM };

/** A document that signals BUY on every candle the model answers, with the model's P(up) as its confidence. */
const everyCandle: StrategyDocument = {
  version: 1,
  interval: '1m',
  indicators: {},
  rules: [{ id: 'answered', side: 'BUY', when: { gte: [{ model: 'up' }, 0] }, confidence: { model: 'up' } }],
  stopLoss: { percent: 1 },
  takeProfit: { percent: 1 },
  model: pin,
};

/** The example document of the template: BUY above 0.55 up, SELL above 0.55 down, cooldown 5. */
const thresholds: StrategyDocument = {
  version: 1,
  interval: '1m',
  indicators: { atr: { type: 'ATR', period: 14 } },
  rules: [
    { id: 'up', side: 'BUY', when: { gt: [{ model: 'up' }, 0.55] }, confidence: { model: 'up' } },
    { id: 'down', side: 'SELL', when: { gt: [{ model: 'down' }, 0.55] }, confidence: { model: 'down' } },
  ],
  stopLoss: { atr: 'atr', multiple: 2 },
  takeProfit: { atr: 'atr', multiple: 3 },
  cooldownBars: 5,
  lifetimeBars: 5,
  model: pin,
};

let example: LoadedModel;
let models: Map<string, LoadedModel>;

beforeAll(async () => {
  example = await loadOnnxModel(exampleBytes, exampleDefinition);
  models = new Map([[modelKey(pin), example]]);
});

function explained(signal: Signal, name: string): number {
  const found = signal.explanation.indicators.find((i) => i.name === name);
  if (found?.value === null || found?.value === undefined) throw new Error(`no ${name} in ${signal.id}`);
  return found.value;
}

describe('the example model in the engine', () => {
  it('answers what the logistic function of its weights gives on features computed here (technicalindicators)', async () => {
    // The weights as the ONNX file holds them, read with protobufjs, not through onnxruntime.
    const initializers = readOnnxInitializers(exampleBytes);
    const weights = initializers.get('weights')?.values ?? [];
    const bias = initializers.get('bias')?.values[0] ?? Number.NaN;
    expect(weights).toHaveLength(4);

    // technicalindicators' RSI rounds to 2 decimals; its unrounded Wilder averages give the exact RSI.
    const losses = averageloss({ period: 14, values: closes });
    const rsi14 = averagegain({ period: 14, values: closes }).map((gain, i) => {
      const loss = losses[i] as number;
      return loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
    });
    const ema20 = ema({ period: 20, values: closes });
    const expected = new Map<number, { features: number[]; up: number }>();
    closes.forEach((close, t) => {
      const r = rsi14[t - (closes.length - rsi14.length)];
      const e = ema20[t - (closes.length - ema20.length)];
      if (r === undefined || e === undefined || t < 5) return;
      const features = [
        (r - 50) / 50,
        100 * (close / (closes[t - 1] as number) - 1),
        100 * (close / (closes[t - 5] as number) - 1),
        100 * (close / e - 1),
      ];
      // The model computes in float32: its inputs are float32.
      const z = features.reduce((sum, f, j) => sum + Math.fround(f) * (weights[j] as number), bias);
      expected.set((candles[t] as (typeof candles)[number]).closeTime, { features, up: 1 / (1 + Math.exp(-z)) });
    });

    const signals = await backtest([documentSpec(everyCandle, { id: 'every', source: 'AI_ML' })], candles, { models });
    // Every candle whose features are all known (RSI(14) is the last to warm up: 15 candles) has an answer.
    expect(signals).toHaveLength(expected.size);
    for (const signal of signals) {
      const want = expected.get(signal.timestamp);
      if (want === undefined) throw new Error(`no expected value at ${signal.timestamp}`);
      ['rsi', 'ret1', 'ret5', 'emaGap'].forEach((name, j) => {
        expect(Math.abs(explained(signal, name) - (want.features[j] as number))).toBeLessThanOrEqual(1e-5);
      });
      expect(Math.abs(explained(signal, 'model.up') - want.up)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(explained(signal, 'model.down') - (1 - want.up))).toBeLessThanOrEqual(1e-6);
      // Its confidence is the model's probability (rounded to 4 decimals like every confidence).
      expect(Math.abs(signal.confidence - want.up)).toBeLessThanOrEqual(5e-5 + 1e-6);
      expect(signal.strategySource).toBe('AI_ML');
    }
  });

  it('answers each row the same whatever the batch: one strategy or three on a series give the same signals', async () => {
    const alone = await backtest([documentSpec(thresholds, { id: 'b', source: 'AI_ML' })], candles, { models });
    expect(alone.length).toBeGreaterThan(100);
    const together = await backtest(
      [
        documentSpec(thresholds, { id: 'a', source: 'AI_ML' }),
        documentSpec(thresholds, { id: 'b', source: 'AI_ML' }),
        documentSpec(everyCandle, { id: 'c', source: 'AI_ML' }),
      ],
      candles,
      { models },
    );
    expect(together.filter((s) => s.strategyId === 'b')).toEqual(alone);
    expect(together.filter((s) => s.strategyId === 'a').map((s) => [s.timestamp, s.action, s.confidence])).toEqual(
      alone.map((s) => [s.timestamp, s.action, s.confidence]),
    );
  });

  it('gives a version added mid-stream, warmed up on the kept history, the signals a backtest gives after it starts', async () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()], models });
    const split = 3000;
    for (const candle of candles.slice(0, split)) await engine.process(candle);
    const activatedAt = (candles[split - 1] as (typeof candles)[number]).closeTime;
    const spec = documentSpec(thresholds, { id: 'model', source: 'AI_ML', activatedAt });
    engine.setStrategies([emaSpec(), spec]);
    const live: Signal[] = [];
    for (const candle of candles.slice(split, 6000)) live.push(...(await engine.process(candle)));
    const expected = (
      await backtest([documentSpec(thresholds, { id: 'model', source: 'AI_ML' })], candles.slice(0, 6000), { models })
    ).filter((s) => s.timestamp > activatedAt);
    expect(expected.length).toBeGreaterThan(20);
    expect(live.filter((s) => s.strategyId === 'model')).toEqual(expected);
  });

  it('reads a model output candles back (`ago`) and in crossings, like an indicator', async () => {
    const slice = candles.slice(0, 3000);
    const every = await backtest([documentSpec(everyCandle, { id: 'every', source: 'AI_ML' })], slice, { models });

    const rising: StrategyDocument = {
      ...everyCandle,
      rules: [
        { id: 'rising', side: 'BUY', when: { gt: [{ model: 'up' }, { model: 'up', ago: 1 }] } },
        { id: 'crossing', side: 'SELL', when: { crossesBelow: [{ model: 'up' }, 0.4] } },
      ],
    };
    const signals = await backtest([documentSpec(rising, { id: 'rising', source: 'AI_ML' })], slice, { models });
    // `every` has a signal on each candle the model answered, so the one before a signal is the previous candle.
    const expected = every.flatMap((s, i) => {
      const now = explained(s, 'model.up');
      const previous = every[i - 1];
      if (previous === undefined) return [];
      const before = explained(previous, 'model.up');
      if (now > before) return [[s.timestamp, 'rising']];
      return now < 0.4 && before >= 0.4 ? [[s.timestamp, 'crossing']] : [];
    });
    expect(expected.length).toBeGreaterThan(100);
    expect(signals.map((s) => [s.timestamp, s.explanation.rule])).toEqual(expected);
  });

  it('runs in shadow beside a live version of the same strategy (A/B), each signal tagged with its version', async () => {
    const slice = candles.slice(0, 3000);
    const shadow = documentSpec(thresholds, { id: 'ab', version: 1, source: 'AI_ML', mode: 'SHADOW' });
    const live = documentSpec(everyCandle, { id: 'ab', version: 2, source: 'AI_ML' });
    const signals = await backtest([shadow, live], slice, { models });
    const v1 = signals.filter((s) => s.strategyVersion === 1);
    expect(v1.length).toBeGreaterThan(10);
    expect(v1.every((s) => s.shadow)).toBe(true);
    expect(signals.filter((s) => s.strategyVersion === 2).every((s) => !s.shadow)).toBe(true);
    expect(v1).toEqual(await backtest([shadow], slice, { models }));
  });

  it('takes a reload while a model runs: the candle ends with the versions it began with, the next with the new set', async () => {
    const slice = candles.slice(0, 3000);
    const engine = new InferenceEngine({
      models,
      strategies: [documentSpec(thresholds, { id: 'model', source: 'AI_ML' })],
    });
    for (const candle of slice.slice(0, 100)) await engine.process(candle);
    const pending = engine.process(slice[100] as (typeof slice)[number]);
    // The model strategy stops and a rule strategy starts while the candle's model runs.
    engine.setStrategies([emaSpec()]);
    await pending;
    const after: Signal[] = [];
    for (const candle of slice.slice(101)) after.push(...(await engine.process(candle)));
    const reloadedAt = (slice[100] as (typeof slice)[number]).closeTime;
    expect(after).toEqual((await backtest([emaSpec()], slice)).filter((s) => s.timestamp > reloadedAt));
    // The model strategy's indicators were given back: the graph holds what the rule strategy alone needs.
    const alone = new InferenceEngine({ strategies: [emaSpec()] });
    for (const candle of slice) alone.onCandle(candle);
    expect(engine.stats.indicatorNodes).toBe(alone.stats.indicatorNodes);

    // The same while a version added on the kept history warms up (its model answering the history).
    engine.setStrategies([emaSpec(), documentSpec(thresholds, { id: 'late', source: 'AI_ML' })]);
    const warming = engine.process({
      ...(slice.at(-1) as (typeof slice)[number]),
      openTime: 2e12,
      closeTime: 2e12 + 60_000,
    });
    // Microtasks only: the warm-up has begun and waits for onnxruntime, which answers on a later turn of the loop.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    engine.setStrategies([emaSpec()]);
    await warming;
    expect(engine.versionStats().map((v) => v.id)).toEqual(['ema-cross']);
    expect(engine.stats.indicatorNodes).toBe(alone.stats.indicatorNodes);
  });

  it('is reproduced by `pnpm train:example`: the same klines give the committed file, byte for byte', () => {
    const trained = trainExampleModel(readFileSync(TRAINING_KLINES, 'utf8'));
    expect(Buffer.from(trained.bytes).equals(Buffer.from(exampleBytes))).toBe(true);
    expect(modelChecksum(exampleBytes)).toBe(EXAMPLE_MODEL_CHECKSUM);
    expect(readOnnxInitializers(exampleBytes).get('weights')?.values).toEqual(trained.weights);
  });
});

/** A model reading `volume` whose Gather indexes a 2-element table by it: a row of zeros works, real volumes do not. */
function failingAtRunTime(): Uint8Array {
  return encodeOnnxModel({
    name: 'fails',
    inputs: [{ name: 'x', shape: ['batch', 1] }],
    outputs: [{ name: 'y', shape: ['batch', 1] }],
    initializers: [{ name: 'table', dims: [2], floats: [0.5, 0.5] }],
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['index'], attributes: { to: 7 } },
      { op: 'Gather', inputs: ['table', 'index'], outputs: ['y'], attributes: { axis: 0 } },
    ],
  });
}

const volumeDefinition = (bytes: Uint8Array): ModelDefinition => ({
  name: 'fails',
  version: 1,
  checksum: modelChecksum(bytes),
  features: { indicators: {}, inputs: [{ name: 'volume', value: { field: 'volume' } }] },
  outputs: ['p'],
});

describe('model failures', () => {
  it('puts a strategy whose model throws at run time in ERROR, and nothing else', async () => {
    const bytes = failingAtRunTime();
    const definition = volumeDefinition(bytes);
    const failing = await loadOnnxModel(bytes, definition);
    const document: StrategyDocument = {
      version: 1,
      interval: '1m',
      indicators: {},
      rules: [{ id: 'p', side: 'BUY', when: { gt: [{ model: 'p' }, 0.4] } }],
      stopLoss: { percent: 1 },
      takeProfit: { percent: 1 },
      model: { name: definition.name, version: 1, checksum: definition.checksum },
    };
    const engine = new InferenceEngine({
      models: new Map([
        [modelKey(definition), failing],
        [modelKey(pin), example],
      ]),
      strategies: [
        emaSpec(),
        documentSpec(document, { id: 'fails', source: 'AI_ML' }),
        documentSpec(thresholds, { id: 'works', source: 'AI_ML' }),
      ],
    });
    const signals: Signal[] = [];
    for (const candle of candles.slice(0, 4000)) signals.push(...(await engine.process(candle)));
    const stats = engine.versionStats();
    const failed = stats.find((s) => s.id === 'fails');
    expect(failed?.state).toBe('ERROR');
    expect(failed?.lastError).toMatch(/out of bounds|indices/i);
    expect(signals.some((s) => s.strategyId === 'fails')).toBe(false);
    expect(stats.filter((s) => s.id !== 'fails').map((s) => s.state)).toEqual(['RUNNING', 'RUNNING']);
    expect(signals.filter((s) => s.strategyId === 'ema-cross')).toEqual(
      await backtest([emaSpec()], candles.slice(0, 4000)),
    );
    expect(signals.filter((s) => s.strategyId === 'works')).toEqual(
      await backtest([documentSpec(thresholds, { id: 'works', source: 'AI_ML' })], candles.slice(0, 4000), { models }),
    );
  });

  it('refuses a model that does not load, or whose shapes do not match what is declared, saying what', async () => {
    const garbage = new TextEncoder().encode('not an onnx model');
    await expect(loadOnnxModel(garbage, volumeDefinition(garbage))).rejects.toMatchObject({
      part: 'onnx',
      message: expect.stringMatching(/^the model does not load/),
    });
    const threeFeatures = {
      ...exampleDefinition,
      features: { ...exampleDefinition.features, inputs: exampleDefinition.features.inputs.slice(0, 3) },
    };
    const wrongInput = loadOnnxModel(exampleBytes, threeFeatures);
    await expect(wrongInput).rejects.toBeInstanceOf(ModelCheckError);
    await expect(wrongInput).rejects.toMatchObject({
      part: 'features',
      message: 'the model\'s input "features" has 4 columns but 3 features are declared',
    });
    await expect(loadOnnxModel(exampleBytes, { ...exampleDefinition, outputs: ['up'] })).rejects.toMatchObject({
      part: 'outputs',
      message: 'the model\'s output "probabilities" has 2 columns but 1 outputs are declared',
    });
  });

  it('refuses a spec whose model is not loaded, and runs the others', () => {
    const engine = new InferenceEngine();
    const rejected = engine.setStrategies([emaSpec(), documentSpec(thresholds, { id: 'model', source: 'AI_ML' })]);
    expect(rejected).toEqual([
      { id: 'model', version: 1, problems: [{ path: '/model', message: 'model "example-logreg" v1 is not loaded' }] },
    ]);
    expect(engine.stats.strategies).toBe(1);
  });
});
