import { setImmediate as nextTurn } from 'node:timers/promises';
import { type ClosablePubSub, createMemoryPubSub } from '@alphintra/bus';
import { SIGNALS_CHANNEL, type Signal, type StrategySpec, type Trade } from '@alphintra/core';
import { InferenceEngine, templateById } from '@alphintra/engine';
import { CandleAggregator } from '@alphintra/market-data';
import { heapUsedMiB, type LatencySummary, retainedHeapMiB, Samples, TimedSubscriber } from './measure.ts';

/** Candle interval of the benchmark: the one the platform aggregates and its default strategies run on. */
export const BENCH_INTERVAL = '1m';

/** Options of `runPipeline`. */
export interface PipelineOptions {
  /** The recorded trades, parsed, in time order. */
  readonly trades: readonly Trade[];
  /** Concurrent symbols the trades are re-keyed to. */
  readonly symbols: number;
  /** Untimed passes first, for the JIT. */
  readonly warmupPasses: number;
  readonly passes: number;
}

/** One timed pass over the whole interleaved stream. */
export interface PassResult {
  readonly trades: number;
  readonly candles: number;
  readonly signals: number;
  readonly elapsedMs: number;
  readonly tradesPerSecond: number;
}

/** What `runPipeline` measured over its timed passes. */
export interface PipelineResult {
  readonly symbols: number;
  readonly strategies: number;
  readonly trades: number;
  readonly candles: number;
  readonly signals: number;
  /** Signals the subscriber received: equals `signals` unless publication lost some. */
  readonly delivered: number;
  readonly elapsedMs: number;
  readonly tradesPerSecond: number;
  readonly candlesPerSecond: number;
  readonly signalsPerSecond: number;
  /** (strategy, symbol) pairs the engine ran. */
  readonly runners: number;
  /** Trades the aggregator dropped as late in the last pass: 0 for a file in time order. */
  readonly lateTrades: number;
  readonly passes: readonly PassResult[];
  /** From just before `addTrade` of the closing trade to the subscriber's receipt of the signal. */
  readonly latencyToSubscriber: LatencySummary | null;
  /** From just before `addTrade` of the closing trade to the resolution of `publish`. */
  readonly latencyToPublish: LatencySummary | null;
  /** Largest `heapUsed` seen after a pass, garbage included. */
  readonly peakHeapUsedMiB: number;
  /** `heapUsed` after a full collection at the end, with the last pass's engine and aggregator alive. */
  readonly retainedHeapMiB: number;
}

/** `SYM00`..`SYM49`: names that sort in creation order. */
export function benchSymbols(count: number): string[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `SYM${String(i).padStart(Math.max(2, width), '0')}`);
}

/**
 * Re-keys every trade to each symbol, trade by trade, so the result is still in time order and the aggregator
 * sees `symbols.length` concurrent streams.
 */
export function interleave(trades: readonly Trade[], symbols: readonly string[]): Trade[] {
  const stream: Trade[] = [];
  for (const trade of trades) {
    for (const symbol of symbols) stream.push({ ...trade, symbol });
  }
  return stream;
}

/** The EMA crossover and RSI reversion templates per symbol, all ACTIVE and LIVE. */
export function benchStrategies(symbols: readonly string[]): StrategySpec[] {
  const templates = ['ema-crossover', 'rsi-reversion'].map((id) => {
    const template = templateById(id);
    if (template === undefined) throw new Error(`no template ${id}`);
    return template;
  });
  return symbols.flatMap((symbol) =>
    templates.map((template) => ({
      id: `bench-${template.id}-${symbol}`,
      name: `${symbol} ${template.name}`,
      version: 1,
      source: 'NO_CODE' as const,
      symbols: [symbol],
      interval: BENCH_INTERVAL,
      document: template.document,
      status: 'ACTIVE' as const,
      mode: 'LIVE' as const,
      activatedAt: null,
    })),
  );
}

/**
 * The in-process hot path: trades -> `CandleAggregator` -> `InferenceEngine` -> `publish` on the in-memory pub/sub,
 * with a subscriber draining the signals channel. Each pass replays the whole interleaved stream into a fresh
 * aggregator and engine, so every pass does the same work (same candles, same signals) from cold strategy state.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const symbols = benchSymbols(options.symbols);
  const stream = interleave(options.trades, symbols);
  const specs = benchStrategies(symbols);
  const pubsub = createMemoryPubSub();
  const subscriber = new TimedSubscriber(pubsub, SIGNALS_CHANNEL);
  await nextTurn();

  const toPublish = new Samples();
  for (let pass = 0; pass < options.warmupPasses; pass++) {
    await runPass(stream, specs, pubsub, subscriber, new Samples());
  }
  subscriber.samples = new Samples();
  const passes: PassResult[] = [];
  let peakHeap = 0;
  let last: PassState | null = null;
  for (let pass = 0; pass < options.passes; pass++) {
    last = await runPass(stream, specs, pubsub, subscriber, toPublish);
    passes.push(last.result);
    peakHeap = Math.max(peakHeap, heapUsedMiB());
    // Lets timers and the GC's idle work run between passes rather than inside the next one.
    await nextTurn();
  }
  const retained = retainedHeapMiB();
  // Read after the collection, so the last pass's engine and aggregator were alive for it.
  const engineStats = last?.engine.stats;
  const lateTrades = last?.aggregator.stats.lateTrades ?? 0;
  const received = subscriber.samples.length;
  await subscriber.close();
  await pubsub.close();

  const sum = (pick: (pass: PassResult) => number) => passes.reduce((total, pass) => total + pick(pass), 0);
  const elapsedMs = sum((p) => p.elapsedMs);
  const perSecond = (count: number) => (count * 1_000) / elapsedMs;
  return {
    symbols: symbols.length,
    strategies: specs.length,
    trades: sum((p) => p.trades),
    candles: sum((p) => p.candles),
    signals: sum((p) => p.signals),
    delivered: received,
    elapsedMs,
    tradesPerSecond: perSecond(sum((p) => p.trades)),
    candlesPerSecond: perSecond(sum((p) => p.candles)),
    signalsPerSecond: perSecond(sum((p) => p.signals)),
    runners: engineStats?.runners ?? 0,
    lateTrades,
    passes,
    latencyToSubscriber: subscriber.samples.summary(),
    latencyToPublish: toPublish.summary(),
    peakHeapUsedMiB: peakHeap,
    retainedHeapMiB: retained,
  };
}

interface PassState {
  readonly result: PassResult;
  readonly engine: InferenceEngine;
  readonly aggregator: CandleAggregator;
}

async function runPass(
  stream: readonly Trade[],
  specs: readonly StrategySpec[],
  pubsub: ClosablePubSub,
  subscriber: TimedSubscriber,
  toPublish: Samples,
): Promise<PassState> {
  const engine = new InferenceEngine({ strategies: specs });
  // Filled by the synchronous candle callback, emptied by the loop right after the `addTrade` that filled it.
  const pending: Signal[] = [];
  const aggregator = new CandleAggregator({
    intervals: [BENCH_INTERVAL],
    onCandle: (candle) => {
      for (const signal of engine.onCandle(candle)) pending.push(signal);
    },
  });
  let published = subscriber.received;

  const start = performance.now();
  for (const trade of stream) {
    const arrival = performance.now();
    aggregator.addTrade(trade);
    if (pending.length === 0) continue;
    subscriber.arrival = arrival;
    for (const signal of pending) {
      // `latencyMs` as the engine service stamps it: the closing event's arrival to publication.
      await pubsub.publish(SIGNALS_CHANNEL, { ...signal, latencyMs: performance.now() - arrival });
      toPublish.push(performance.now() - arrival);
    }
    published += pending.length;
    pending.length = 0;
    // The next trade waits for delivery, so a receipt is never timed against a later trade's arrival.
    await subscriber.until(published);
  }
  const elapsedMs = performance.now() - start;

  // Candles still open at the end of the stream are not flushed: no trade closed them, so they have no latency.
  const trades = aggregator.stats.trades;
  return {
    result: {
      trades,
      candles: aggregator.stats.candles,
      signals: engine.stats.signals,
      elapsedMs,
      tradesPerSecond: (trades * 1_000) / elapsedMs,
    },
    engine,
    aggregator,
  };
}
