import { type Candle, INTERVALS, type Signal, type StrategySpec } from '@alphintra/core';
import { compileDocument, DEFAULT_LIFETIME_BARS } from './document/compile.ts';
import { InferenceEngine } from './engine.ts';
import type { LoadedModel } from './model/model.ts';
import { OutcomeTracker, type SignalOutcome } from './outcome.ts';
import { type CostModel, type PerformanceSummary, summarize } from './performance.ts';

/** Candles before `from` a backtest is warmed up on, per symbol: what a live engine keeps for a version it starts. */
export const BACKTEST_WARMUP_CANDLES = 1000;

/** What a backtest runs: one strategy version over `[from, to)` (candle open times, epoch ms). */
export interface BacktestPlan {
  /** The version (status and activation are ignored: a backtest runs drafts too). */
  readonly spec: StrategySpec;
  readonly from: number;
  readonly to: number;
}

/** A backtest signal with what became of it. */
export interface BacktestSignal {
  readonly signal: Signal;
  readonly outcome: SignalOutcome;
}

/** Everything a backtest gives: its signals in order, each with its outcome, and their summary. */
export interface BacktestResult {
  readonly signals: readonly BacktestSignal[];
  readonly summary: PerformanceSummary;
}

/**
 * How long after `to` a backtest keeps following its signals still open: their lifetime, so each ends as it would
 * live (a target, a stop or its expiry) when the candles are there.
 */
export function followWindowMs(spec: StrategySpec): number {
  const compiled = compileDocument(spec.document);
  const bars = compiled.ok ? compiled.compiled.lifetimeBars : DEFAULT_LIFETIME_BARS;
  return bars * INTERVALS[spec.interval];
}

/**
 * One backtest, fed its candles a page at a time (any order of symbols, each symbol's in time order): the very
 * engine that runs live, with the version activated at `from`, so candles before `from` only warm it up, as they
 * would a version started live then; and an outcome tracker following each signal on the candles after it,
 * including those after `to`. Pure and deterministic: the same plan on the same candles gives the same result.
 */
export class BacktestSession {
  readonly #plan: BacktestPlan;
  readonly #engine: InferenceEngine;
  readonly #tracker = new OutcomeTracker();
  readonly #signals: Signal[] = [];
  readonly #outcomes = new Map<string, SignalOutcome>();
  #evaluated = 0;

  /** `models`: the model version an `AI_ML` document pins, by `modelKey` (see `loadModelFiles`). */
  constructor(plan: BacktestPlan, models: ReadonlyMap<string, LoadedModel> = new Map()) {
    this.#plan = plan;
    this.#engine = new InferenceEngine({ historySize: 0, models });
    const [rejected] = this.#engine.setStrategies([{ ...plan.spec, status: 'ACTIVE', activatedAt: plan.from }]);
    if (rejected !== undefined) {
      const detail = rejected.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
      throw new Error(`the strategy cannot run: ${detail}`);
    }
  }

  /** Candles of the range fed to the engine so far (warm-up included). */
  get evaluated(): number {
    return this.#evaluated;
  }

  /** Signals so far. */
  get signalCount(): number {
    return this.#signals.length;
  }

  /**
   * Feeds candles: those opening before `to` run the strategy; every one moves the open signals on. Candles of
   * another interval are ignored. Asynchronous because a model strategy's evaluation is.
   */
  async feed(candles: readonly Candle[]): Promise<void> {
    const { spec, to } = this.#plan;
    for (const candle of candles) {
      if (candle.interval !== spec.interval) continue;
      for (const outcome of this.#tracker.onCandle(candle)) this.#outcomes.set(outcome.signalId, outcome);
      if (candle.openTime >= to) continue;
      this.#evaluated++;
      for (const signal of await this.#engine.process(candle)) {
        this.#signals.push(signal);
        this.#tracker.track(signal, spec.interval);
      }
    }
  }

  /** The signals, in time order (then symbol), each with its outcome (OPEN when the candles ended first). */
  result(costs: CostModel): BacktestResult {
    for (const outcome of this.#tracker.open()) this.#outcomes.set(outcome.signalId, outcome);
    const signals = [...this.#signals]
      .sort((a, b) => a.timestamp - b.timestamp || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
      .map((signal) => ({ signal, outcome: this.#outcomes.get(signal.id) as SignalOutcome }));
    const { from, to, spec } = this.#plan;
    const summary = summarize(
      signals.map((s) => s.outcome),
      costs,
      { from, to },
      spec.interval,
    );
    return { signals, summary };
  }
}

/** A version's live signals beside a backtest of it over the same candles. */
export interface PerformanceComparison {
  /** The live signals' outcomes, summarized. */
  readonly live: PerformanceSummary;
  readonly backtest: PerformanceSummary;
  /** Ids of signals only the live run gave, and only the backtest gave. */
  readonly liveOnly: readonly string[];
  readonly backtestOnly: readonly string[];
}

/**
 * Compares the live signals of a version over `[from, to)` (with their outcomes, as the live outcome service stored
 * them) with a backtest of it on `candles` (per symbol: the warm-up before `from`, the period, and the follow window
 * after `to`, in time order). Live signals count when their candle opened in `[from, to)`, as the backtest's do.
 */
export async function comparePerformance(
  plan: BacktestPlan,
  candles: readonly Candle[],
  live: readonly { readonly signal: Signal; readonly outcome: SignalOutcome }[],
  costs: CostModel,
  models: ReadonlyMap<string, LoadedModel> = new Map(),
): Promise<PerformanceComparison> {
  const session = new BacktestSession(plan, models);
  await session.feed(candles);
  const backtest = session.result(costs);
  const inPeriod = live.filter(({ signal }) => signal.timestamp > plan.from && signal.timestamp <= plan.to);
  const liveIds = new Set(inPeriod.map(({ signal }) => signal.id));
  const backtestIds = new Set(backtest.signals.map((s) => s.signal.id));
  return {
    live: summarize(
      inPeriod.map(({ outcome }) => outcome),
      costs,
      { from: plan.from, to: plan.to },
      plan.spec.interval,
    ),
    backtest: backtest.summary,
    liveOnly: [...liveIds].filter((id) => !backtestIds.has(id)),
    backtestOnly: [...backtestIds].filter((id) => !liveIds.has(id)),
  };
}
