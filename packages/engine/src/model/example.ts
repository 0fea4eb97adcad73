import type { ModelFeatures, StrategyDocument } from '@alphintra/core';
import { compileDocument } from '../document/compile.ts';
import { IndicatorGraph } from '../document/indicators.ts';
import type { CandleValues } from '../types.ts';

/**
 * What the example model reads: the 14-candle RSI centred and scaled to -1..1, the last candle's and the last five
 * candles' returns in percent, and how far the close is above its 20-candle EMA, in percent.
 */
export const EXAMPLE_MODEL_FEATURES: ModelFeatures = {
  indicators: {
    rsi: { type: 'RSI', period: 14 },
    ema: { type: 'EMA', period: 20 },
  },
  inputs: [
    { name: 'rsi', value: { div: [{ sub: [{ ind: 'rsi' }, 50] }, 50] } },
    { name: 'ret1', value: { mul: [100, { sub: [{ div: [{ field: 'close' }, { field: 'close', ago: 1 }] }, 1] }] } },
    { name: 'ret5', value: { mul: [100, { sub: [{ div: [{ field: 'close' }, { field: 'close', ago: 5 }] }, 1] }] } },
    { name: 'emaGap', value: { mul: [100, { sub: [{ div: [{ field: 'close' }, { ind: 'ema' }] }, 1] }] } },
  ],
};

/** The example model as `registerModel` takes it (the ONNX bytes are `fixtures/models/example-logreg.onnx`). */
export const EXAMPLE_MODEL = {
  name: 'example-logreg',
  description:
    'Logistic regression of "the next 1m candle closes higher" on RSI(14), the 1- and 5-candle returns and the ' +
    'gap to EMA(20), fitted by `pnpm train:example` on the recorded UNITTESTBTC klines. Outputs the probability ' +
    'of up and of down.',
  features: EXAMPLE_MODEL_FEATURES,
  outputs: ['up', 'down'],
} as const;

/** The checksum of the committed `fixtures/models/example-logreg.onnx`, which the template pins. */
export const EXAMPLE_MODEL_CHECKSUM = 'sha256:2dfb3b15e39d918f47c05e16ffb3a25ba0d882957651965bf2beaaa3c336ea81';

/**
 * The features of a model on each candle, in order, through the engine's own indicators and expressions (what a
 * running strategy gives its model); null where one is not known yet.
 */
export function featureRows(features: ModelFeatures, candles: Iterable<CandleValues>): (Float32Array | null)[] {
  const pin = { name: 'features', version: 1, checksum: `sha256:${'0'.repeat(64)}` };
  const document: StrategyDocument = {
    version: 1,
    interval: '1m',
    indicators: {},
    rules: [{ id: 'never', side: 'BUY', when: { gt: [{ model: 'out' }, 2] } }],
    stopLoss: { percent: 1 },
    takeProfit: { percent: 1 },
    model: pin,
  };
  const result = compileDocument(document, { ...pin, features, outputs: ['out'] });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path} ${p.message}`).join('; '));
  const graph = new IndicatorGraph();
  const evaluator = result.compiled.bind(graph);
  const rows: (Float32Array | null)[] = [];
  for (const candle of candles) {
    graph.update(candle);
    const row = new Float32Array(features.inputs.length);
    rows.push(evaluator.features(row, 0) ? row : null);
  }
  return rows;
}
