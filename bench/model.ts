/**
 * The engine's model path: what running the example model (fixtures/models/example-logreg.onnx, onnxruntime in
 * process, CPU) costs per candle, on the recorded UNITTESTBTC 1m klines. Three cases, each timed per candle:
 * `InferenceEngine.process` with the `model-example` template (features, one model run, rules, signal) against
 * the same document's indicators and rules with a constant in place of the model (the synchronous path); the
 * model's own run on one row; and 10 strategies reading the model on one series (one batch of 10 rows).
 */
import { readFileSync } from 'node:fs';
import { type Candle, INTERVALS, type StrategyDocument, type StrategySpec } from '@alphintra/core';
import {
  EXAMPLE_MODEL,
  EXAMPLE_MODEL_CHECKSUM,
  featureRows,
  InferenceEngine,
  type LoadedModel,
  modelKey,
  prepareCandle,
  templateById,
} from '@alphintra/engine';
import { loadOnnxModel } from '@alphintra/engine/onnx';
import { type LatencySummary, Samples } from './measure.ts';
import { latencyLine, textTable } from './report.ts';

const KLINES = new URL('../fixtures/market/klines-1m-UNITTESTBTC.csv', import.meta.url);
const MODEL_FILE = new URL('../fixtures/models/example-logreg.onnx', import.meta.url);
const SYMBOL = 'UNITTESTBTC';

export interface ModelBenchResult {
  readonly model: string;
  readonly candles: number;
  readonly passes: number;
  /** `process` per candle, one strategy reading the model. */
  readonly modelStrategy: LatencySummary | null;
  /** The same rules with a constant instead of the model, through the synchronous path. */
  readonly ruleBaseline: LatencySummary | null;
  /** `session.run` on one row. */
  readonly inferenceOneRow: LatencySummary | null;
  /** `process` per candle with 10 strategies reading the model (one batch of 10 rows). */
  readonly tenStrategies: LatencySummary | null;
  readonly signals: number;
}

function loadKlines(): Candle[] {
  return readFileSync(KLINES, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [openTime = '0', open = '0', high = '0', low = '0', close = '0', volume = '0'] = line.split(',');
      const start = Number(openTime);
      const closeTime = start + INTERVALS['1m'];
      return {
        symbol: SYMBOL,
        interval: '1m',
        openTime: start,
        closeTime,
        open,
        high,
        low,
        close,
        volume,
        trades: 0,
        lastTradeTime: closeTime - 1,
        source: 'replay',
        complete: true,
      };
    });
}

function spec(id: string, document: StrategyDocument): StrategySpec {
  return {
    id,
    name: id,
    version: 1,
    source: document.model === undefined ? 'NO_CODE' : 'AI_ML',
    symbols: [SYMBOL],
    interval: '1m',
    document,
    status: 'ACTIVE',
    mode: 'LIVE',
    activatedAt: null,
  };
}

/** Replaces every `{ model }` of a document by a constant, and drops its model: the same work without inference. */
function withoutModel(document: StrategyDocument): StrategyDocument {
  const { model: _, ...rest } = document;
  return JSON.parse(JSON.stringify(rest), (_key, value) =>
    value !== null && typeof value === 'object' && 'model' in value ? 0.7 : value,
  ) as StrategyDocument;
}

async function timeProcess(
  specs: readonly StrategySpec[],
  models: ReadonlyMap<string, LoadedModel>,
  candles: readonly Candle[],
  passes: number,
): Promise<{ summary: LatencySummary | null; signals: number }> {
  const samples = new Samples();
  let signals = 0;
  for (let pass = 0; pass <= passes; pass++) {
    const engine = new InferenceEngine({ strategies: specs, models, historySize: 0 });
    for (const candle of candles) {
      const start = performance.now();
      const produced = await engine.process(candle);
      // The first pass warms the JIT and onnxruntime up; it is not counted.
      if (pass > 0) {
        samples.push(performance.now() - start);
        signals += produced.length;
      }
    }
  }
  return { summary: samples.summary(), signals };
}

/** Runs the model benchmark; `passes` timed passes over the klines after one warm-up pass. */
export async function runModelBench(options: { passes?: number } = {}): Promise<ModelBenchResult> {
  const passes = options.passes ?? 3;
  const candles = loadKlines();
  const definition = { ...EXAMPLE_MODEL, version: 1, checksum: EXAMPLE_MODEL_CHECKSUM };
  const model = await loadOnnxModel(new Uint8Array(readFileSync(MODEL_FILE)), definition);
  const models = new Map([[modelKey(definition), model]]);
  const template = templateById('model-example')?.document;
  if (template === undefined) throw new Error('no model-example template');
  try {
    const withModel = await timeProcess([spec('model', template)], models, candles, passes);
    const baseline = await timeProcess([spec('rules', withoutModel(template))], models, candles, passes);
    const ten = await timeProcess(
      Array.from({ length: 10 }, (_, i) => spec(`model-${i}`, template)),
      models,
      candles,
      passes,
    );
    const rows = featureRows(
      definition.features,
      candles.map((c) => prepareCandle(c).values),
    ).filter((row): row is Float32Array => row !== null);
    const inference = new Samples();
    for (let pass = 0; pass <= passes; pass++) {
      for (const row of rows) {
        const start = performance.now();
        await model.run(row, 1);
        if (pass > 0) inference.push(performance.now() - start);
      }
    }
    return {
      model: `${definition.name} v1 (${definition.features.inputs.length} features, ${definition.outputs.length} outputs)`,
      candles: candles.length,
      passes,
      modelStrategy: withModel.summary,
      ruleBaseline: baseline.summary,
      inferenceOneRow: inference.summary(),
      tenStrategies: ten.summary,
      signals: withModel.signals,
    };
  } finally {
    await model.release();
  }
}

/** The model part of the engine report, as a table. */
export function modelReport(result: ModelBenchResult): string {
  return textTable(
    ['per candle', 'ms: p50 / p90 / p99 / max'],
    [
      ['process(): model-example template (features, model, rules)', latencyLine(result.modelStrategy)],
      ['process(): the same rules, a constant for the model (sync path)', latencyLine(result.ruleBaseline)],
      ['the model alone: session.run, one row', latencyLine(result.inferenceOneRow)],
      ['process(): 10 strategies reading the model (one batch of 10 rows)', latencyLine(result.tenStrategies)],
    ],
  );
}
