/**
 * Trains the example model: `pnpm train:example`. A logistic regression of "the next 1m candle closes higher" on
 * the example features (computed by the engine's own indicators and expressions, as a running strategy computes
 * them), fitted by full-batch gradient descent on the recorded UNITTESTBTC klines, written as ONNX to
 * `fixtures/models/example-logreg.onnx`. Deterministic: the same klines give the same file, byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM, featureRows } from '../packages/engine/src/model/example.ts';
import { encodeOnnxModel, logisticRegressionGraph } from '../packages/engine/src/model/onnx-format.ts';
import { modelChecksum } from '../packages/engine/src/model/onnx-runtime.ts';

/** The recorded klines the example model is fitted on. */
export const TRAINING_KLINES = new URL('../fixtures/market/klines-1m-UNITTESTBTC.csv', import.meta.url);
/** Where the model is written. */
export const EXAMPLE_MODEL_FILE = new URL('../fixtures/models/example-logreg.onnx', import.meta.url);

const EPOCHS = 2_000;
const LEARNING_RATE = 0.5;

/** The fitted model: float32 weights (in feature order) and bias, the ONNX bytes, and how well it fits. */
export interface TrainedModel {
  readonly weights: number[];
  readonly bias: number;
  readonly bytes: Uint8Array;
  readonly rows: number;
  /** Share of rows whose direction the model gets right (P(up) > 0.5 means up). */
  readonly accuracy: number;
  readonly logLoss: number;
}

/** Fits the example model on klines CSV text (`open_time_ms,open,high,low,close,volume`, with a header). */
export function trainExampleModel(csv: string): TrainedModel {
  const candles = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, open, high, low, close, volume] = line.split(',').map(Number) as number[];
      return { open: open ?? 0, high: high ?? 0, low: low ?? 0, close: close ?? 0, volume: volume ?? 0 };
    });
  const features = featureRows(EXAMPLE_MODEL.features, candles);
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (let t = 0; t + 1 < candles.length; t++) {
    const row = features[t];
    const next = candles[t + 1];
    const now = candles[t];
    if (row === null || row === undefined || next === undefined || now === undefined) continue;
    x.push(row);
    y.push(next.close > now.close ? 1 : 0);
  }
  const width = EXAMPLE_MODEL.features.inputs.length;
  const w = new Float64Array(width);
  let b = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const gw = new Float64Array(width);
    let gb = 0;
    x.forEach((row, i) => {
      const error = sigmoid(logit(row, w, b)) - (y[i] as number);
      for (let j = 0; j < width; j++) gw[j] = (gw[j] as number) + error * (row[j] as number);
      gb += error;
    });
    for (let j = 0; j < width; j++) w[j] = (w[j] as number) - (LEARNING_RATE * (gw[j] as number)) / x.length;
    b -= (LEARNING_RATE * gb) / x.length;
  }
  // What the model stores: float32.
  const weights = Array.from(Float32Array.from(w));
  const bias = Math.fround(b);
  let right = 0;
  let loss = 0;
  x.forEach((row, i) => {
    const p = sigmoid(logit(row, weights, bias));
    const label = y[i] as number;
    if (p > 0.5 === (label === 1)) right++;
    loss -= label === 1 ? Math.log(p) : Math.log(1 - p);
  });
  const doc = `${EXAMPLE_MODEL.description} Inputs, in order: ${EXAMPLE_MODEL.features.inputs.map((i) => i.name).join(', ')}.`;
  const bytes = encodeOnnxModel(logisticRegressionGraph(weights, bias, doc), 'alphintra train-example');
  return { weights, bias, bytes, rows: x.length, accuracy: right / x.length, logLoss: loss / x.length };
}

function logit(row: Float32Array, w: ArrayLike<number>, b: number): number {
  let sum = b;
  for (let j = 0; j < row.length; j++) sum += (row[j] as number) * (w[j] as number);
  return sum;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const model = trainExampleModel(readFileSync(TRAINING_KLINES, 'utf8'));
  writeFileSync(EXAMPLE_MODEL_FILE, model.bytes);
  const checksum = modelChecksum(model.bytes);
  console.log(
    `wrote ${fileURLToPath(EXAMPLE_MODEL_FILE)}: ${model.bytes.length} bytes, ${checksum}\n` +
      `  ${model.rows} rows; weights ${model.weights.map((v) => v.toFixed(6)).join(', ')}; bias ${model.bias.toFixed(6)}\n` +
      `  accuracy ${(model.accuracy * 100).toFixed(2)} %, log loss ${model.logLoss.toFixed(4)}`,
  );
  if (checksum !== EXAMPLE_MODEL_CHECKSUM) {
    console.log(`  the example template pins ${EXAMPLE_MODEL_CHECKSUM}: set EXAMPLE_MODEL_CHECKSUM to ${checksum}`);
  }
}
