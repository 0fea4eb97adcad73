import type { Signal, StrategyMode, StrategySpec } from '@alphintra/core';
import type { CompiledDocument, Decision, DocumentEvaluator } from './document/compile.ts';
import { IndicatorGraph } from './document/indicators.ts';
import { type LoadedModel, ModelOutputs } from './model/model.ts';
import { buildSignal, type PreparedCandle } from './signal.ts';
import type { MarketSnapshot } from './types.ts';

/** Evaluation times kept per version for its percentiles. */
const TIMING_SAMPLES = 1024;

/** How one running strategy version is doing, over all its symbols. */
export interface VersionStats {
  readonly id: string;
  readonly version: number;
  readonly mode: StrategyMode;
  /** Candles evaluated since the version started (warm-up excluded). */
  readonly evaluations: number;
  readonly signals: number;
  /** Close time of its last signal's candle; null before the first. */
  readonly lastSignalAt: number | null;
  /** Evaluation time per candle, milliseconds, over its last 1,024 evaluations (null before the first). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly errors: number;
  readonly lastError: string | null;
  /** ERROR: an evaluation threw; the version gives no more signals until it is reloaded as a new version. */
  readonly state: 'RUNNING' | 'ERROR';
}

/** The mutable record behind `VersionStats`, shared by a version's runners. */
export class VersionRecord {
  spec: StrategySpec;
  evaluations = 0;
  signals = 0;
  lastSignalAt: number | null = null;
  errors = 0;
  lastError: string | null = null;
  state: 'RUNNING' | 'ERROR' = 'RUNNING';
  readonly #timings = new Float64Array(TIMING_SAMPLES);
  #timingCount = 0;

  constructor(spec: StrategySpec) {
    this.spec = spec;
  }

  time(ms: number): void {
    this.#timings[this.#timingCount++ % TIMING_SAMPLES] = ms;
  }

  fail(error: unknown): void {
    this.errors++;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.state = 'ERROR';
  }

  snapshot(): VersionStats {
    const samples = Array.from(this.#timings.subarray(0, Math.min(this.#timingCount, TIMING_SAMPLES))).sort(
      (a, b) => a - b,
    );
    return {
      id: this.spec.id,
      version: this.spec.version,
      mode: this.spec.mode,
      evaluations: this.evaluations,
      signals: this.signals,
      lastSignalAt: this.lastSignalAt,
      p50Ms: percentile(samples, 0.5),
      p99Ms: percentile(samples, 0.99),
      errors: this.errors,
      lastError: this.lastError,
      state: this.state,
    };
  }
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

/**
 * One strategy version running on one symbol: its document's evaluator on the series' shared indicator graph, and
 * its cooldown. Its whole state is a function of the candles it was fed.
 */
export class StrategyRunner {
  readonly record: VersionRecord;
  readonly symbol: string;
  readonly compiled: CompiledDocument;
  /** What the runner's state depends on; a reload with the same fingerprint keeps the runner. */
  readonly fingerprint: string;
  /** The model its rules read; null for a rule strategy. */
  readonly model: LoadedModel | null;
  /** The model's answers on the series' recent candles. */
  readonly #outputs: ModelOutputs | null;
  /** A model runner's warm-up, done by `warmUp` before the next candle: its graph and the candles to run on. */
  #pending: { readonly graph: IndicatorGraph; readonly history: readonly PreparedCandle[] } | null = null;
  #evaluator: DocumentEvaluator | null = null;
  #detached = false;
  /** Candles since the last signal, counted as if the runner had signalled during warm-up too. */
  #sinceSignal = Number.POSITIVE_INFINITY;
  /**
   * Set once a reload replaced the runner's version: the close time of the last candle it still evaluates, its
   * successor's activation (market time). Null while its version runs.
   */
  retiresAfter: number | null = null;

  constructor(
    record: VersionRecord,
    symbol: string,
    compiled: CompiledDocument,
    fingerprint: string,
    model: LoadedModel | null = null,
  ) {
    this.record = record;
    this.symbol = symbol;
    this.compiled = compiled;
    this.fingerprint = fingerprint;
    this.model = compiled.model === null ? null : model;
    this.#outputs = compiled.model === null ? null : new ModelOutputs(compiled.model.outputs.length);
  }

  /** Whether the runner waits for `warmUp` (a model runner attached to a series with history). */
  get warming(): boolean {
    return this.#pending !== null;
  }

  get spec(): StrategySpec {
    return this.record.spec;
  }

  /**
   * Binds the runner to its series' graph after warming it up on `history` (the series' recent candles, oldest
   * first, the last one being the graph's latest): nodes the graph lacks are computed over that history in a
   * scratch graph and adopted, and the rules are evaluated on it (without signalling) so the cooldown is where a
   * run over those candles would have left it.
   */
  attach(graph: IndicatorGraph, history: readonly PreparedCandle[]): void {
    if (this.#outputs !== null && history.length > 0) {
      // The model's answers on the history need its (asynchronous) runs: `warmUp` does it before the next candle.
      this.#pending = { graph, history };
      return;
    }
    const missing = this.compiled.nodes.some((spec) => graph.get(spec.key) === undefined);
    if (history.length === 0 || (!missing && this.compiled.cooldownBars === 0)) {
      this.#evaluator = this.compiled.bind(graph, undefined, this.#outputs ?? undefined);
      return;
    }
    const scratch = new IndicatorGraph();
    const evaluator = this.compiled.bind(scratch);
    for (const prepared of history) {
      scratch.update(prepared.values);
      this.#decide(evaluator);
    }
    this.#evaluator = this.compiled.bind(graph, scratch);
  }

  /**
   * A model runner's warm-up on the history it was attached with: the features of every candle are computed in a
   * scratch graph, the model answers them in one batch, then the rules are evaluated on them (without signalling)
   * so that both its cooldown and its model's past answers are where a run over those candles would have left them.
   */
  async warmUp(): Promise<void> {
    const pending = this.#pending;
    const outputs = this.#outputs;
    const model = this.model;
    if (pending === null || outputs === null || model === null) return;
    this.#pending = null;
    const width = model.features.inputs.length;
    const scratch = new IndicatorGraph();
    const evaluator = this.compiled.bind(scratch, undefined, new ModelOutputs(model.outputs.length));
    const rows = new Float32Array(pending.history.length * width);
    const known: boolean[] = [];
    for (const prepared of pending.history) {
      scratch.update(prepared.values);
      known.push(evaluator.features(rows, known.length * width));
    }
    const answers = await runKnownRows(model, rows, known);
    // Stopped by a reload while the model ran: it must not take nodes of the series' graph any more.
    if (this.#detached) return;
    const replay = new IndicatorGraph();
    const replayed = this.compiled.bind(replay, undefined, outputs);
    pending.history.forEach((prepared, i) => {
      replay.update(prepared.values);
      outputs.push(answers.values, answers.offsets[i] ?? -1);
      this.#decide(replayed);
    });
    this.#evaluator = this.compiled.bind(pending.graph, replay, outputs);
  }

  /** Writes the model's features on the latest candle into `row` at `offset`; false when one is unknown. */
  features(row: Float32Array, offset: number): boolean {
    return this.#evaluator?.features(row, offset) ?? false;
  }

  /**
   * `step` for a model runner: records the model's answer on the latest candle (`values` from `offset`, or null
   * when a feature was unknown), then evaluates.
   */
  stepWithModel(
    prepared: PreparedCandle,
    market: MarketSnapshot,
    values: Float32Array | null,
    offset: number,
  ): Signal | null {
    this.#outputs?.push(values, offset);
    return this.step(prepared, market);
  }
  /** Gives the runner's nodes back to the graph. */
  detach(): void {
    this.#detached = true;
    this.#pending = null;
    this.#evaluator?.release();
    this.#evaluator = null;
  }

  /**
   * Evaluates the graph's latest candle (already fed to it). A candle closed at or before the version's activation
   * only moves the cooldown on; otherwise a firing rule becomes a signal.
   */
  step(prepared: PreparedCandle, market: MarketSnapshot): Signal | null {
    if (this.#evaluator === null) return null;
    const decision = this.#decide(this.#evaluator);
    const spec = this.record.spec;
    if (decision === null || (spec.activatedAt !== null && prepared.candle.closeTime <= spec.activatedAt)) return null;
    return buildSignal(spec, prepared, decision, market, this.compiled.lifetimeBars);
  }

  #decide(evaluator: DocumentEvaluator): Decision | null {
    if (++this.#sinceSignal <= this.compiled.cooldownBars) return null;
    const decision = evaluator.evaluate();
    if (decision !== null) this.#sinceSignal = 0;
    return decision;
  }
}

/**
 * Runs a model on the rows whose features are known (`known[i]`), in one batch; `offsets[i]` is where row i's
 * answer starts in `values`, or -1 (unknown) for a row not run.
 */
export async function runKnownRows(
  model: LoadedModel,
  rows: Float32Array,
  known: readonly boolean[],
): Promise<{ values: Float32Array | null; offsets: number[] }> {
  const width = model.features.inputs.length;
  const outputs = model.outputs.length;
  const count = known.filter(Boolean).length;
  const offsets: number[] = [];
  if (count === 0) return { values: null, offsets: known.map(() => -1) };
  const batch = count === known.length ? rows : new Float32Array(count * width);
  let next = 0;
  known.forEach((isKnown, i) => {
    if (!isKnown) {
      offsets.push(-1);
      return;
    }
    if (batch !== rows) batch.set(rows.subarray(i * width, (i + 1) * width), next * width);
    offsets.push(next * outputs);
    next++;
  });
  return { values: await model.run(batch, count), offsets };
}
