import type { Candle, Signal, StrategySpec } from '@alphintra/core';
import { type ParameterProblem, validateStrategyParameters } from './parameters.ts';
import { RingBuffer } from './ring-buffer.ts';
import { StrategyRunner } from './runner.ts';
import { type PreparedCandle, prepareCandle } from './signal.ts';

/** Candles kept per (symbol, interval) to warm up strategies activated mid-stream. */
export const DEFAULT_HISTORY_SIZE = 500;

/** Options of `InferenceEngine`. */
export interface InferenceEngineOptions {
  /** Initial strategies; only ACTIVE ones run. */
  readonly strategies?: readonly StrategySpec[];
  /** Candles kept per (symbol, interval) for warm-up; default 500, 0 keeps none. */
  readonly historySize?: number;
}

/** A spec `setStrategies` refused to run because its parameters are invalid. */
export interface RejectedStrategy {
  readonly id: string;
  readonly version: number;
  readonly problems: readonly ParameterProblem[];
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
}

interface Series {
  readonly history: RingBuffer<PreparedCandle>;
  lastOpenTime: number;
}

/**
 * The streaming inference engine: feeds each closed candle to the active strategies of its symbol and interval and
 * returns the signals they give. Deterministic: it reads no clock and no randomness, so the same strategies on the
 * same candles give the same signals, byte for byte, live or in a backtest.
 */
export class InferenceEngine {
  readonly #historySize: number;
  readonly #series = new Map<string, Series>();
  /** Runners by `runnerKey`, with the fingerprint of the spec they were built from. */
  #runners = new Map<string, { readonly runner: StrategyRunner; readonly fingerprint: string }>();
  /** Runners by series key, in (strategy id, version) order so a candle's signals come out in a stable order. */
  #bySeries = new Map<string, readonly StrategyRunner[]>();
  #strategyCount = 0;
  #candles = 0;
  #skippedCandles = 0;
  #signals = 0;

  constructor(options: InferenceEngineOptions = {}) {
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isInteger(historySize) || historySize < 0) {
      throw new RangeError(`historySize must be a non-negative integer, got ${historySize}`);
    }
    this.#historySize = historySize;
    if (options.strategies) this.setStrategies(options.strategies);
  }

  /**
   * Hot reload: replaces the running set with the ACTIVE specs given, effective from the next candle. A version
   * already running (same id and version) keeps its state; a new one is warmed up on the candles this engine has
   * kept for its symbols, without signalling on them; one missing or inactive stops. Specs with invalid
   * parameters do not run and are returned.
   */
  setStrategies(specs: readonly StrategySpec[]): RejectedStrategy[] {
    const rejected: RejectedStrategy[] = [];
    const runners = new Map<string, { readonly runner: StrategyRunner; readonly fingerprint: string }>();
    const seenVersions = new Set<string>();
    for (const spec of specs) {
      if (spec.status !== 'ACTIVE') continue;
      const problems = validateStrategyParameters(spec.type, spec.parameters);
      if (problems.length > 0) {
        rejected.push({ id: spec.id, version: spec.version, problems });
        continue;
      }
      const version = versionKey(spec);
      if (seenVersions.has(version)) continue;
      seenVersions.add(version);
      const fingerprint = specFingerprint(spec);
      for (const symbol of new Set(spec.symbols)) {
        const key = `${version}\u0000${symbol}`;
        const existing = this.#runners.get(key);
        if (existing !== undefined && existing.fingerprint === fingerprint) {
          existing.runner.spec = spec;
          runners.set(key, existing);
          continue;
        }
        const runner = new StrategyRunner(spec, symbol);
        const series = this.#series.get(seriesKey(symbol, spec.interval));
        if (series !== undefined) runner.warmUp(series.history);
        runners.set(key, { runner, fingerprint });
      }
    }

    const bySeries = new Map<string, StrategyRunner[]>();
    const ordered = [...runners.values()].map(({ runner }) => runner).sort(compareRunners);
    for (const runner of ordered) {
      const key = seriesKey(runner.symbol, runner.spec.interval);
      const list = bySeries.get(key);
      if (list === undefined) bySeries.set(key, [runner]);
      else list.push(runner);
    }
    this.#runners = runners;
    this.#bySeries = bySeries;
    this.#strategyCount = seenVersions.size;
    return rejected;
  }

  /**
   * Processes one closed candle: records it in its series' history and runs every active strategy on its symbol
   * and interval. A candle not newer than the last one of its series (a redelivery) is ignored, so at-least-once
   * delivery cannot feed an indicator twice; so is one whose prices do not parse, which would poison every
   * indicator it reached for good.
   */
  onCandle(candle: Candle): Signal[] {
    const key = seriesKey(candle.symbol, candle.interval);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { history: new RingBuffer(this.#historySize), lastOpenTime: Number.NEGATIVE_INFINITY };
      this.#series.set(key, series);
    } else if (candle.openTime <= series.lastOpenTime) {
      this.#skippedCandles++;
      return [];
    }
    const prepared = prepareCandle(candle);
    if (!isSane(prepared)) {
      this.#skippedCandles++;
      return [];
    }
    series.lastOpenTime = candle.openTime;
    this.#candles++;
    series.history.push(prepared);
    const signals: Signal[] = [];
    for (const runner of this.#bySeries.get(key) ?? []) {
      const signal = runner.update(prepared);
      if (signal !== null) signals.push(signal);
    }
    this.#signals += signals.length;
    return signals;
  }

  /** Counters since creation, and the size of the running set. */
  get stats(): EngineStats {
    return {
      candles: this.#candles,
      skippedCandles: this.#skippedCandles,
      signals: this.#signals,
      strategies: this.#strategyCount,
      runners: this.#runners.size,
      series: this.#series.size,
    };
  }
}

/**
 * Runs strategies over candles on a fresh engine and returns every signal, in order. Specs run whatever their
 * status (backtesting a draft is the point); the result equals what a live engine gives on the same candles.
 */
export function backtest(specs: readonly StrategySpec[], candles: Iterable<Candle>): Signal[] {
  const engine = new InferenceEngine({
    strategies: specs.map((spec) => ({ ...spec, status: 'ACTIVE' })),
    historySize: 0,
  });
  const signals: Signal[] = [];
  for (const candle of candles) signals.push(...engine.onCandle(candle));
  return signals;
}

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

/** What a runner's state depends on; name and source only label its signals, so renaming keeps the state. */
function specFingerprint(spec: StrategySpec): string {
  const parameters = Object.entries(spec.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([spec.type, spec.interval, parameters]);
}

function compareRunners(a: StrategyRunner, b: StrategyRunner): number {
  if (a.spec.id !== b.spec.id) return a.spec.id < b.spec.id ? -1 : 1;
  return a.spec.version - b.spec.version;
}
