import { performance } from 'node:perf_hooks';
import type { Candle, DocumentProblem, Signal, StrategySpec } from '@alphintra/core';
import { type CompiledDocument, compileDocument } from './document/compile.ts';
import { IndicatorGraph } from './document/indicators.ts';
import { MarketContext } from './market-context.ts';
import { RingBuffer } from './ring-buffer.ts';
import { StrategyRunner, VersionRecord, type VersionStats } from './runner.ts';
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
   * already running (same id, version and document) keeps its state; a new one is warmed up on the candles this
   * engine has kept for its symbols, without signalling on them; one missing or inactive stops and gives its
   * indicators back. Specs whose document does not compile do not run and are returned with the problems.
   */
  setStrategies(specs: readonly StrategySpec[]): RejectedStrategy[] {
    const rejected: RejectedStrategy[] = [];
    const runners = new Map<string, StrategyRunner>();
    const versions = new Map<string, VersionRecord>();
    const compiledByFingerprint = new Map<string, CompiledDocument>();
    for (const runner of this.#runners.values()) compiledByFingerprint.set(runner.fingerprint, runner.compiled);

    for (const spec of specs) {
      if (spec.status !== 'ACTIVE') continue;
      const version = versionKey(spec);
      if (versions.has(version)) continue;
      const fingerprint = JSON.stringify([spec.interval, spec.document]);
      let compiled = compiledByFingerprint.get(fingerprint);
      if (compiled === undefined) {
        if (spec.document.interval !== spec.interval) {
          rejected.push({
            id: spec.id,
            version: spec.version,
            problems: [
              { path: '/interval', message: `the document runs on ${spec.document.interval}, not ${spec.interval}` },
            ],
          });
          continue;
        }
        const result = compileDocument(spec.document);
        if (!result.ok) {
          rejected.push({ id: spec.id, version: spec.version, problems: result.problems });
          continue;
        }
        compiled = result.compiled;
        compiledByFingerprint.set(fingerprint, compiled);
      }
      let record = this.#versions.get(version);
      if (record === undefined || this.#hasOtherDocument(version, fingerprint)) record = new VersionRecord(spec);
      record.spec = spec;
      versions.set(version, record);

      for (const symbol of new Set(spec.symbols)) {
        const key = `${version}\u0000${symbol}`;
        const existing = this.#runners.get(key);
        if (existing !== undefined && existing.fingerprint === fingerprint && existing.record === record) {
          runners.set(key, existing);
          continue;
        }
        const runner = new StrategyRunner(record, symbol, compiled, fingerprint);
        const series = this.#seriesOf(symbol, spec.interval);
        runner.attach(series.graph, [...series.history]);
        runners.set(key, runner);
      }
    }
    for (const [key, runner] of this.#runners) if (runners.get(key) !== runner) runner.detach();

    const bySeries = new Map<string, StrategyRunner[]>();
    const ordered = [...runners.values()].sort(compareRunners);
    for (const runner of ordered) {
      const key = seriesKey(runner.symbol, runner.spec.interval);
      const list = bySeries.get(key);
      if (list === undefined) bySeries.set(key, [runner]);
      else list.push(runner);
    }
    this.#runners = runners;
    this.#bySeries = bySeries;
    this.#versions = versions;
    return rejected;
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
    const series = this.#seriesOf(candle.symbol, candle.interval);
    if (candle.openTime <= series.lastOpenTime) {
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
    series.graph.update(prepared.values);
    const market: MarketSnapshot = series.market.update(prepared.values);

    const signals: Signal[] = [];
    // Evaluation times are sampled on one candle in TIMING_EVERY, one clock read per version: reading the clock
    // twice per version per candle cost more than a thousand simple strategies' rules.
    const timed = this.#candles % TIMING_EVERY === 0;
    let clock = timed ? performance.now() : 0;
    for (const runner of this.#bySeries.get(seriesKey(candle.symbol, candle.interval)) ?? []) {
      const record = runner.record;
      if (record.state === 'ERROR') continue;
      try {
        const signal = runner.step(prepared, market);
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
        record.time(now - clock);
        clock = now;
      }
    }
    this.#signals += signals.length;
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
  static backtest(specs: readonly StrategySpec[], candles: Iterable<Candle>): Signal[] {
    return backtest(specs, candles);
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

function compareRunners(a: StrategyRunner, b: StrategyRunner): number {
  if (a.spec.id !== b.spec.id) return a.spec.id < b.spec.id ? -1 : 1;
  if (a.spec.version !== b.spec.version) return a.spec.version - b.spec.version;
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}
