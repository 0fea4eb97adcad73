import type { ModelDefinition, ModelPin } from '@alphintra/core';
import { NODE_HISTORY } from '../document/indicators.ts';

/** A model version ready to run: its definition and its inference. */
export interface LoadedModel extends ModelDefinition {
  /**
   * Runs the model on `count` rows of `inputs.length` features each (row-major) and resolves to `count` rows of
   * `outputs.length` values. Rejects when the model fails.
   */
  run(rows: Float32Array, count: number): Promise<Float32Array>;
  /** Frees the runtime's resources; the model runs no more. */
  release(): Promise<void>;
}

/** How the engine names a model version: `name@version`. */
export function modelKey(pin: Pick<ModelPin, 'name' | 'version'>): string {
  return `${pin.name}@${pin.version}`;
}

/**
 * The outputs a runner's model gave on the series' last `NODE_HISTORY` candles (NaN = unknown: a feature was not
 * known yet), read by `{ "model": name, "ago": n }` like an indicator's values.
 */
export class ModelOutputs {
  readonly #rings: Float64Array[];
  #head = -1;
  #count = 0;

  constructor(outputs: number) {
    this.#rings = Array.from({ length: outputs }, () => new Float64Array(NODE_HISTORY).fill(Number.NaN));
  }

  /** Records one candle's outputs from `values` at `offset`; null or a negative offset = unknown. */
  push(values: Float32Array | null, offset: number): void {
    this.#head = (this.#head + 1) % NODE_HISTORY;
    if (this.#count < NODE_HISTORY) this.#count++;
    this.#rings.forEach((ring, i) => {
      ring[this.#head] = values === null || offset < 0 ? Number.NaN : (values[offset + i] as number);
    });
  }

  /** Output `out` `ago` candles back; NaN when unknown. */
  value(out: number, ago: number): number {
    if (ago >= this.#count) return Number.NaN;
    const ring = this.#rings[out];
    if (ring === undefined) return Number.NaN;
    return ring[(this.#head - ago + NODE_HISTORY) % NODE_HISTORY] as number;
  }
}
