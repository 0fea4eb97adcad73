import { performance } from 'node:perf_hooks';
import type { Candle, DocumentProblem, Signal, StrategySpec } from '@alphintra/core';
import { type CompiledDocument, compileDocument } from './document/compile.ts';
import { IndicatorGraph } from './document/indicators.ts';
import { MarketContext } from './market-context.ts';
import { type LoadedModel, modelKey } from './model/model.ts';
import { RingBuffer } from './ring-buffer.ts';
import { runKnownRows, StrategyRunner, VersionRecord, type VersionStats } from './runner.ts';
import { type PreparedCandle, prepareCandle } from './signal.ts';
import type { MarketSnapshot } from './types.ts';

/** Evaluation times are measured on one candle in this many (per series). */
const TIMING_EVERY = 4;

/** Candles kept per (symbol, interval) to warm up strategies activated mid-stream. */
export const DEFAULT_HISTORY_SIZE = 1000;
/** Period of the ATR that describes the market (volatility, risk score, execution) in every signal. */
export const MARKET_ATR_PERIOD = 14;

/** Options of `InferenceEngine`. */
export interface InferenceEngineOptions {
  /** Initial strategies; only ACTIVE ones run. */
  readonly strategies?: readonly StrategySpec[];
  /** Candles kept per (symbol, interval) for warm-up; default 1000, 0 keeps none. */
  readonly historySize?: number;
  /** The model versions `AI_ML` strategies may read, by `modelKey` (`name@version`). */
  readonly models?: ReadonlyMap<string, LoadedModel>;
}

/** A spec `setStrategies` refused to run because its document does not compile. */
export interface RejectedStrategy {
  readonly id: string;
  readonly version: number;
  readonly problems: readonly DocumentProblem[];
}

/** Counters of an engine since it was created. */
export interface EngineStats {
  /** Candles processed. */
  readonly candles: number;
  /**
   * Candles ignored: not newer than the last one of their symbol and interval (redeliveries), or with prices that
   * are not positive numbers.
   */
  readonly skippedCandles: number;
  readonly signals: number;
  /** Active strategy versions running. */
  readonly strategies: number;
  /** (strategy version, symbol) pairs running. */
  readonly runners: number;
  /** (symbol, interval) series with a history. */
  readonly series: number;
  /** Distinct indicator nodes, over all series. */
  readonly indicatorNodes: number;
}

interface Series {
  readonly graph: IndicatorGraph;
  readonly history: RingBuffer<PreparedCandle>;
  readonly market: MarketContext;
  lastOpenTime: number;
  /** The close time of the newest candle fed to the series. */
  lastCloseTime: number;
  /** The candle being processed asynchronously (a model strategy runs on the series), if any. */
  busy: Promise<unknown> | null;
}

/**
 * The streaming inference engine: feeds each closed candle to the active strategy documents of its symbol and
 * interval and returns the signals they give. Indicators live in one graph per (symbol, interval), shared by every
 * strategy that asks for the same one. Deterministic: decisions read no clock and no randomness, so the same
 * strategies on the same candles give the same signals, byte for byte, live or in a backtest.
 */
export class InferenceEngine {
  readonly #historySize: number;
  readonly #series = new Map<string, Series>();
  /** Runners by (version, symbol). */
  #runners = new Map<string, StrategyRunner>();
  /** Runners by series key, in (strategy id, version) order so a candle's signals come out in a stable order. */
  #bySeries = new Map<string, readonly StrategyRunner[]>();
  #versions = new Map<string, VersionRecord>();
  /** Runners of versions a reload replaced, still evaluating the candles up to their successor's activation. */
  #retiring: StrategyRunner[] = [];
  #models: ReadonlyMap<string, LoadedModel> = new Map();
  /** Series with at least one model strategy. */
  #modelSeries = new Set<string>();
  #candles = 0;
  #skippedCandles = 0;
  #signals = 0;

  constructor(options: InferenceEngineOptions = {}) {
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isInteger(historySize) || historySize < 0) {
      throw new RangeError(`historySize must be a non-negative integer, got ${historySize}`);
    }
    this.#historySize = historySize;
    if (options.models) this.#models = options.models;
    if (options.strategies) this.setStrategies(options.strategies);
  }

  /**
   * Hot reload: replaces the running set with the ACTIVE specs given, effective from the next candle. A version
   * already running (same id, version and document) keeps its state; a new one is warmed up on the candles this
   * engine has kept for its symbols, without signalling on them; one missing or inactive stops and gives its
   * indicators back. Specs whose document does not compile do not run and are returned with the problems.
   *
   * `models` replaces the model versions `AI_ML` documents may read (by `modelKey`); a spec whose model is not
   * among them is rejected. A model strategy added to a series with history is warmed up by the next `process`.
   */
  setStrategies(specs: readonly StrategySpec[], models?: ReadonlyMap<string, LoadedModel>): RejectedStrategy[] {
    if (models !== undefined) this.#models = models;
    const rejected: RejectedStrategy[] = [];
    const runners = new Map<string, StrategyRunner>();
    const versions = new Map<string, VersionRecord>();
    const compiledByFingerprint = new Map<string, CompiledDocument>();
    for (const runner of this.#runners.values()) compiledByFingerprint.set(runner.fingerprint, runner.compiled);

    for (const spec of specs) {
      if (spec.status !== 'ACTIVE' || spec.endsAt != null) continue;
      const version = versionKey(spec);
      if (versions.has(version)) continue;
      const fingerprint = JSON.stringify([spec.interval, spec.document]);
      const pin = spec.document.model;
      const model = pin === undefined ? null : (this.#models.get(modelKey(pin)) ?? null);
      if (pin !== undefined && model === null) {
        rejected.push({
          id: spec.id,
          version: spec.version,
          problems: [{ path: '/model', message: `model "${pin.name}" v${pin.version} is not loaded` }],
        });
        continue;
      }
      const compiled = this.#compile(spec, fingerprint, model, compiledByFingerprint, rejected);
      if (compiled === null) continue;
      let record = this.#versions.get(version);
      if (record === undefined || this.#hasOtherDocument(version, fingerprint)) record = new VersionRecord(spec);
      record.spec = spec;
      versions.set(version, record);

      for (const symbol of new Set(spec.symbols)) {
        const key = `${version}\u0000${symbol}`;
        const existing = this.#runners.get(key);
        if (
          existing !== undefined &&
          existing.fingerprint === fingerprint &&
          existing.record === record &&
          existing.model === model
        ) {
          runners.set(key, existing);
          continue;
        }
        const runner = new StrategyRunner(record, symbol, compiled, fingerprint, model);
        const series = this.#seriesOf(symbol, spec.interval);
        runner.attach(series.graph, [...series.history]);
        runners.set(key, runner);
      }
    }
    const ended = this.#ended(specs, versions, compiledByFingerprint, rejected);
    const retiring = [...ended, ...this.#retire(runners, versions, new Set(ended))];

    const bySeries = new Map<string, StrategyRunner[]>();
    const modelSeries = new Set<string>();
    const ordered = [...runners.values(), ...retiring].sort(compareRunners);
    for (const runner of ordered) {
      const key = seriesKey(runner.symbol, runner.spec.interval);
      if (runner.model !== null) modelSeries.add(key);
      const list = bySeries.get(key);
      if (list === undefined) bySeries.set(key, [runner]);
      else list.push(runner);
    }
    this.#runners = runners;
    this.#bySeries = bySeries;
    this.#modelSeries = modelSeries;
    this.#versions = versions;
    this.#retiring = retiring;
    return rejected;
  }

  /** The spec's document compiled (once per fingerprint), or null with the problems added to `rejected`. */
  #compile(
    spec: StrategySpec,
    fingerprint: string,
    model: LoadedModel | null,
    compiledByFingerprint: Map<string, CompiledDocument>,
    rejected: RejectedStrategy[],
  ): CompiledDocument | null {
    const known = compiledByFingerprint.get(fingerprint);
    if (known !== undefined) return known;
    if (spec.document.interval !== spec.interval) {
      rejected.push({
        id: spec.id,
        version: spec.version,
        problems: [
          { path: '/interval', message: `the document runs on ${spec.document.interval}, not ${spec.interval}` },
        ],
      });
      return null;
    }
    const result = compileDocument(spec.document, model ?? undefined);
    if (!result.ok) {
      rejected.push({ id: spec.id, version: spec.version, problems: result.problems });
      return null;
    }
    compiledByFingerprint.set(fingerprint, result.compiled);
    return result.compiled;
  }

  /**
   * Runners for the ended runs given (specs with `endsAt`: a version a change replaced, up to its successor's
   * activation), on the series that have not passed that time yet: an engine that starts behind a change, or
   * reloads while behind it, evaluates those candles with the version that ran then, as a backtest over them does.
   * A runner of the old set for the same version and document carries on; a version running again now is left
   * to its current run; of several ended runs of one version, the latest counts.
   */
  #ended(
    specs: readonly StrategySpec[],
    versions: ReadonlyMap<string, VersionRecord>,
    compiledByFingerprint: Map<string, CompiledDocument>,
    rejected: RejectedStrategy[],
  ): StrategyRunner[] {
    const latest = new Map<string, StrategySpec & { endsAt: number }>();
    for (const spec of specs) {
      const { endsAt } = spec;
      if (spec.status !== 'ACTIVE' || endsAt == null || versions.has(versionKey(spec))) continue;
      const seen = latest.get(versionKey(spec));
      if (seen === undefined || seen.endsAt < endsAt) latest.set(versionKey(spec), { ...spec, endsAt });
    }
    const earlier = new Map<string, StrategyRunner>();
    for (const runner of [...this.#retiring, ...this.#runners.values()]) {
      earlier.set(`${versionKey(runner.spec)}\u0000${runner.symbol}`, runner);
    }
    const ended: StrategyRunner[] = [];
    for (const [version, spec] of latest) {
      const fingerprint = JSON.stringify([spec.interval, spec.document]);
      const pin = spec.document.model;
      const model = pin === undefined ? null : (this.#models.get(modelKey(pin)) ?? null);
      if (pin !== undefined && model === null) continue;
      const compiled = this.#compile(spec, fingerprint, model, compiledByFingerprint, rejected);
      if (compiled === null) continue;
      let record: VersionRecord | undefined;
      for (const symbol of new Set(spec.symbols)) {
        const series = this.#series.get(seriesKey(symbol, spec.interval));
        if (series !== undefined && series.lastCloseTime >= spec.endsAt) continue;
        const existing = earlier.get(`${version}\u0000${symbol}`);
        let runner: StrategyRunner;
        if (existing !== undefined && existing.fingerprint === fingerprint && existing.model === model) {
          runner = existing;
        } else {
          record ??= new VersionRecord(spec);
          runner = new StrategyRunner(record, symbol, compiled, fingerprint, model);
          const own = this.#seriesOf(symbol, spec.interval);
          runner.attach(own.graph, [...own.history]);
        }
        runner.retiresAfter = spec.endsAt;
        ended.push(runner);
      }
    }
    return ended;
  }

  /**
   * The runners of the old set that keep evaluating: a version replaced by another of its strategy (an update, a
   * promotion, a rollback) evaluates the candles that close up to its successor's activation, which is market
   * time (the newest stored candle when the change was made). An engine behind the candle store would otherwise
   * leave those candles to no version, since the successor only signals after its activation. A strategy left
   * with no running version (deactivated, archived) stops at once. The rest are detached.
   */
  #retire(
    runners: ReadonlyMap<string, StrategyRunner>,
    versions: ReadonlyMap<string, VersionRecord>,
    ended: ReadonlySet<StrategyRunner>,
  ): StrategyRunner[] {
    const successorStart = new Map<string, number>();
    for (const runner of runners.values()) {
      const { id, activatedAt } = runner.spec;
      if (activatedAt !== null) successorStart.set(id, Math.max(activatedAt, successorStart.get(id) ?? activatedAt));
    }
    const retiring: StrategyRunner[] = [];
    const settle = (runner: StrategyRunner, until: number | null | undefined) => {
      const series = this.#series.get(seriesKey(runner.symbol, runner.spec.interval));
      if (until === null || until === undefined || (series !== undefined && series.lastCloseTime >= until)) {
        runner.detach();
        return;
      }
      runner.retiresAfter = until;
      retiring.push(runner);
    };
    for (const runner of this.#retiring) {
      if (ended.has(runner)) continue;
      settle(runner, successorStart.has(runner.spec.id) ? runner.retiresAfter : undefined);
    }
    for (const [key, runner] of this.#runners) {
      if (runners.get(key) === runner || ended.has(runner)) continue;
      settle(runner, versions.has(versionKey(runner.spec)) ? undefined : successorStart.get(runner.spec.id));
    }
    return retiring;
  }

  /** Drops the series' retiring runners whose last candle has been evaluated. */
  #dropRetired(key: string, closeTime: number): void {
    const done = (runner: StrategyRunner) =>
      runner.retiresAfter !== null &&
      closeTime >= runner.retiresAfter &&
      seriesKey(runner.symbol, runner.spec.interval) === key;
    for (const runner of this.#retiring) if (done(runner)) runner.detach();
    this.#retiring = this.#retiring.filter((runner) => !done(runner));
    this.#bySeries.set(
      key,
      (this.#bySeries.get(key) ?? []).filter((runner) => !done(runner)),
    );
  }

  #hasOtherDocument(version: string, fingerprint: string): boolean {
    for (const runner of this.#runners.values()) {
      if (versionKey(runner.spec) === version && runner.fingerprint !== fingerprint) return true;
    }
    return false;
  }

  #seriesOf(symbol: string, interval: string): Series {
    const key = seriesKey(symbol, interval);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        graph: new IndicatorGraph(),
        history: new RingBuffer(this.#historySize),
        market: new MarketContext(MARKET_ATR_PERIOD),
        lastOpenTime: Number.NEGATIVE_INFINITY,
        lastCloseTime: Number.NEGATIVE_INFINITY,
        busy: null,
      };
      this.#series.set(key, series);
    }
    return series;
  }

  /**
   * Processes one closed candle: feeds its series' indicators and runs every active strategy on its symbol and
   * interval, in (strategy id, version) order. A candle not newer than the last one of its series (a redelivery) is
   * ignored, so at-least-once delivery cannot feed an indicator twice; so is one whose prices do not parse, which
   * would poison every indicator it reached for good. A version whose evaluation throws is marked ERROR and stops;
   * the others carry on.
   */
  onCandle(candle: Candle): Signal[] {
    const key = seriesKey(candle.symbol, candle.interval);
    if (this.#modelSeries.has(key)) {
      throw new Error(`${candle.symbol} ${candle.interval} runs a model strategy: use process(candle)`);
    }
    const series = this.#seriesOf(candle.symbol, candle.interval);
    const advanced = this.#advance(series, candle);
    if (advanced === null) return [];
    return this.#evaluate(this.#bySeries.get(key) ?? [], advanced.prepared, advanced.market, null);
  }

  /**
   * `onCandle` for any strategy set: resolves to the candle's signals once the models of the series' model
   * strategies have answered. The features of every model strategy on the series are computed first, each model
   * runs once on all of them (one row per strategy version), then the rules are evaluated in (strategy id, version)
   * order, exactly as `onCandle` would with the answers known. A series without model strategies takes the
   * synchronous path. Calls for one series are processed in call order; a model that fails puts the versions reading
   * it in ERROR and no other.
   */
  process(candle: Candle): Promise<Signal[]> {
    const key = seriesKey(candle.symbol, candle.interval);
    const series = this.#seriesOf(candle.symbol, candle.interval);
    if (series.busy === null && !this.#modelSeries.has(key)) {
      try {
        return Promise.resolve(this.onCandle(candle));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const run = (series.busy ?? Promise.resolve()).then(() => this.#processAsync(key, series, candle));
    const busy = run.catch(() => undefined);
    series.busy = busy;
    void busy.then(() => {
      if (series.busy === busy) series.busy = null;
    });
    return run;
  }

  async #processAsync(key: string, series: Series, candle: Candle): Promise<Signal[]> {
    for (const runner of this.#bySeries.get(key) ?? []) {
      if (!runner.warming) continue;
      try {
        await runner.warmUp();
      } catch (error) {
        runner.record.fail(error);
      }
    }
    const advanced = this.#advance(series, candle);
    if (advanced === null) return [];
    // The runners of this candle: one added by a reload while the models run was warmed up on this candle already.
    const runners = this.#bySeries.get(key) ?? [];
    // One batch per model: the rows of every runner reading it, in runner order.
    const batches = new Map<LoadedModel, StrategyRunner[]>();
    for (const runner of runners) {
      if (runner.model === null || runner.record.state === 'ERROR') continue;
      const batch = batches.get(runner.model);
      if (batch === undefined) batches.set(runner.model, [runner]);
      else batch.push(runner);
    }
    const answers = new Map<StrategyRunner, ModelAnswer>();
    await Promise.all(
      [...batches].map(async ([model, batch]) => {
        const width = model.features.inputs.length;
        const rows = new Float32Array(batch.length * width);
        const known = batch.map((runner, i) => runner.features(rows, i * width));
        try {
          const start = performance.now();
          const { values, offsets } = await runKnownRows(model, rows, known);
          // Each version's evaluation time includes its share of the model's run.
          const ms = (performance.now() - start) / batch.length;
          batch.forEach((runner, i) => {
            answers.set(runner, { values, offset: offsets[i] ?? -1, ms });
          });
        } catch (error) {
          for (const runner of batch) answers.set(runner, { error });
        }
      }),
    );
    return this.#evaluate(runners, advanced.prepared, advanced.market, answers);
  }

  /** Feeds a new candle to its series; null when it is skipped (a redelivery, or prices that do not parse). */
  #advance(series: Series, candle: Candle): { prepared: PreparedCandle; market: MarketSnapshot } | null {
    if (candle.openTime <= series.lastOpenTime) {
      this.#skippedCandles++;
      return null;
    }
    const prepared = prepareCandle(candle);
    if (!isSane(prepared)) {
      this.#skippedCandles++;
      return null;
    }
    series.lastOpenTime = candle.openTime;
    series.lastCloseTime = candle.closeTime;
    this.#candles++;
    series.history.push(prepared);
    series.graph.update(prepared.values);
    return { prepared, market: series.market.update(prepared.values) };
  }

  /** Runs the series' strategies on its latest candle; model runners read their answers from `answers`. */
  #evaluate(
    runners: readonly StrategyRunner[],
    prepared: PreparedCandle,
    market: MarketSnapshot,
    answers: ReadonlyMap<StrategyRunner, ModelAnswer> | null,
  ): Signal[] {
    const signals: Signal[] = [];
    // Evaluation times are sampled on one candle in TIMING_EVERY, one clock read per version: reading the clock
    // twice per version per candle cost more than a thousand simple strategies' rules.
    const timed = this.#candles % TIMING_EVERY === 0;
    let clock = timed ? performance.now() : 0;
    const { closeTime } = prepared.candle;
    let retired = false;
    for (const runner of runners) {
      const record = runner.record;
      if (runner.retiresAfter !== null) {
        retired ||= closeTime >= runner.retiresAfter;
        if (closeTime > runner.retiresAfter) continue;
      }
      if (record.state === 'ERROR') continue;
      let modelMs = 0;
      try {
        let signal: Signal | null;
        if (runner.model === null) signal = runner.step(prepared, market);
        else {
          const answer = answers?.get(runner);
          // A runner that was in ERROR when the models ran.
          if (answer === undefined) continue;
          if ('error' in answer) throw answer.error;
          modelMs = answer.ms;
          signal = runner.stepWithModel(prepared, market, answer.values, answer.offset);
        }
        record.evaluations++;
        if (signal !== null) {
          record.signals++;
          record.lastSignalAt = signal.timestamp;
          signals.push(signal);
        }
      } catch (error) {
        record.fail(error);
      }
      if (timed) {
        const now = performance.now();
        record.time(now - clock + modelMs);
        clock = now;
      }
    }
    this.#signals += signals.length;
    if (retired) this.#dropRetired(seriesKey(prepared.candle.symbol, prepared.candle.interval), closeTime);
    return signals;
  }

  /** Each running version's counters, evaluation times and state, in (strategy id, version) order. */
  versionStats(): VersionStats[] {
    return [...this.#versions.values()]
      .map((record) => record.snapshot())
      .sort((a, b) => (a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.version - b.version));
  }

  /** Counters since creation, and the size of the running set. */
  get stats(): EngineStats {
    let indicatorNodes = 0;
    for (const series of this.#series.values()) indicatorNodes += series.graph.size;
    return {
      candles: this.#candles,
      skippedCandles: this.#skippedCandles,
      signals: this.#signals,
      strategies: this.#versions.size,
      runners: this.#runners.size,
      series: this.#series.size,
      indicatorNodes,
    };
  }

  /** Runs strategies over candles on a fresh engine; see the `backtest` function. */
  static backtest(
    specs: readonly StrategySpec[],
    candles: Iterable<Candle>,
    options: BacktestOptions = {},
  ): Promise<Signal[]> {
    return backtest(specs, candles, options);
  }
}

/** Options of `backtest`. */
export interface BacktestOptions {
  /** The model versions the specs' `AI_ML` documents read, by `modelKey`. */
  readonly models?: ReadonlyMap<string, LoadedModel>;
}

/**
 * Runs strategies over candles on a fresh engine and resolves to every signal, in order. Specs run whatever their
 * status (backtesting a draft is the point); the result equals what a live engine gives on the same candles. A
 * spec that cannot run (its document does not compile, its model is not given) is an error.
 */
export async function backtest(
  specs: readonly StrategySpec[],
  candles: Iterable<Candle>,
  options: BacktestOptions = {},
): Promise<Signal[]> {
  const engine = new InferenceEngine({ historySize: 0, ...(options.models ? { models: options.models } : {}) });
  const [rejected] = engine.setStrategies(specs.map((spec) => ({ ...spec, status: 'ACTIVE' })));
  if (rejected !== undefined) {
    const problems = rejected.problems.map((p) => `${p.path} ${p.message}`).join('; ');
    throw new Error(`strategy ${rejected.id} v${rejected.version} cannot run: ${problems}`);
  }
  const signals: Signal[] = [];
  for (const candle of candles) signals.push(...(await engine.process(candle)));
  return signals;
}

/** A model's answer for one runner on one candle (its row from `offset` of `values`), or why there is none. */
type ModelAnswer = { values: Float32Array | null; offset: number; ms: number } | { error: unknown };

function isSane({ values }: PreparedCandle): boolean {
  return (
    values.open > 0 &&
    values.high > 0 &&
    values.low > 0 &&
    values.close > 0 &&
    values.volume >= 0 &&
    Number.isFinite(values.high) &&
    Number.isFinite(values.volume)
  );
}

function seriesKey(symbol: string, interval: string): string {
  return `${symbol}\u0000${interval}`;
}

function versionKey(spec: StrategySpec): string {
  return `${spec.id}\u0000${spec.version}`;
}

function compareRunners(a: StrategyRunner, b: StrategyRunner): number {
  if (a.spec.id !== b.spec.id) return a.spec.id < b.spec.id ? -1 : 1;
  if (a.spec.version !== b.spec.version) return a.spec.version - b.spec.version;
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}
