/**
 * `pnpm bench` (fifth part): signal outcomes. The tracker following many open signals candle by candle (candles per
 * second, and signal steps per second), `summarize` over 100,000 outcomes, and the outcome service learning stored
 * signals from the outbox and closing them on stored candles (PGlite, or PostgreSQL when `DATABASE_URL` is set).
 * Prints a table and writes `bench/results/outcomes.json`.
 *
 * Options: `--symbols <n>` (default 100), `--candles <n>` (1m candles per symbol, default 1,440), `--signals <n>`
 * (stored signals the service follows, default 2,000; 0 skips it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { MemoryEventBus, TOPICS } from '@alphintra/bus';
import { type Candle, type Signal, signalId } from '@alphintra/core';
import {
  createStrategy,
  DrizzleCandleStore,
  insertSignals,
  latestOutcomeSeq,
  latestSignalSeq,
  openDatabase,
} from '@alphintra/db';
import { followSignal, OutcomeTracker, type SignalOutcome, summarize, templateById } from '@alphintra/engine';
import { OutcomeService, silentLog } from '@alphintra/platform';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { count, integerOption, ms, textTable } from './report.ts';

const RESULTS = new URL('./results/outcomes.json', import.meta.url);
const M = 60_000;
const BASE = Date.UTC(2026, 0, 1);

/** A deterministic random walk (mulberry32), one candle a minute. */
function candlesOf(symbol: string, n: number, seed: number): Candle[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const candles: Candle[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.max(1, open * (1 + (random() - 0.5) * 0.006));
    const high = Math.max(open, close) * (1 + random() * 0.002);
    const low = Math.min(open, close) * (1 - random() * 0.002);
    candles.push({
      symbol,
      interval: '1m',
      openTime: BASE + i * M,
      closeTime: BASE + (i + 1) * M,
      open: open.toFixed(6),
      high: high.toFixed(6),
      low: low.toFixed(6),
      close: close.toFixed(6),
      volume: '1',
      trades: 1,
      source: 'replay',
      complete: true,
      lastTradeTime: BASE + (i + 1) * M - 1,
    });
  }
  return candles;
}

/** A signal on `candle`'s close, alternating sides, stop 0.5 % and target 1 % away, living 30 candles. */
function signalOn(strategy: { id: string; name: string }, candle: Candle, buy: boolean): Signal {
  const close = Number(candle.close);
  return {
    id: signalId(strategy.id, 1, candle.symbol, candle.closeTime),
    timestamp: candle.closeTime,
    strategyId: strategy.id,
    strategyName: strategy.name,
    strategyVersion: 1,
    strategySource: 'NO_CODE',
    symbol: candle.symbol,
    action: buy ? 'BUY' : 'SELL',
    confidence: 0.5,
    quantity: null,
    priceTarget: candle.close,
    stopLoss: (buy ? close * 0.995 : close * 1.005).toFixed(6),
    takeProfit: (buy ? close * 1.01 : close * 0.99).toFixed(6),
    riskScore: 0.5,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    explanation: { rule: 'bench', indicators: [] },
    expiresAt: candle.closeTime + 30 * M,
    shadow: false,
    marketDataTimestamp: candle.closeTime - 1,
    latencyMs: null,
  };
}

interface TrackerResult {
  readonly symbols: number;
  readonly candles: number;
  readonly signals: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly candlesPerSecond: number;
  readonly stepsPerSecond: number;
  readonly equalToFollowSignal: boolean;
}

/** Every symbol's candles interleaved in time; a signal every 5th candle of each symbol, tracked as it closes. */
function benchTracker(symbols: number, perSymbol: number): { result: TrackerResult; outcomes: SignalOutcome[] } {
  const strategy = { id: '0b7f3e2a-9c4d-4e61-8a15-3f2d6c7b9e01', name: 'bench' };
  const series = Array.from({ length: symbols }, (_, s) => candlesOf(`SYM${s}USDT`, perSymbol, s + 1));
  const signals: Signal[] = [];
  const tracker = new OutcomeTracker();
  const outcomes: SignalOutcome[] = [];
  // Open signals per symbol: how many a candle of that symbol steps.
  const open = new Map<string, number>();
  let steps = 0;
  const start = performance.now();
  for (let i = 0; i < perSymbol; i++) {
    for (const candles of series) {
      const candle = candles[i] as Candle;
      steps += open.get(candle.symbol) ?? 0;
      const closed = tracker.onCandle(candle);
      open.set(candle.symbol, (open.get(candle.symbol) ?? 0) - closed.length);
      outcomes.push(...closed);
      if (i % 5 === 0) {
        const signal = signalOn(strategy, candle, (i / 5) % 2 === 0);
        signals.push(signal);
        tracker.track(signal, '1m');
        open.set(candle.symbol, (open.get(candle.symbol) ?? 0) + 1);
      }
    }
  }
  const elapsedMs = performance.now() - start;
  outcomes.push(...tracker.open());
  const bySymbol = new Map(series.map((candles) => [candles[0]?.symbol, candles]));
  const byId = new Map(outcomes.map((o) => [o.signalId, o]));
  const equal = signals.every(
    (s) => JSON.stringify(byId.get(s.id)) === JSON.stringify(followSignal(s, bySymbol.get(s.symbol) ?? [])),
  );
  const candles = symbols * perSymbol;
  return {
    result: {
      symbols,
      candles,
      signals: signals.length,
      steps,
      elapsedMs,
      candlesPerSecond: (candles * 1_000) / elapsedMs,
      stepsPerSecond: (steps * 1_000) / elapsedMs,
      equalToFollowSignal: equal,
    },
    outcomes,
  };
}

interface SummaryResult {
  readonly outcomes: number;
  readonly elapsedMs: number;
}

function benchSummary(outcomes: readonly SignalOutcome[]): SummaryResult {
  const many: SignalOutcome[] = [];
  while (many.length < 100_000) many.push(...outcomes.map((o) => ({ ...o, signalId: `${o.signalId}-${many.length}` })));
  many.length = 100_000;
  const start = performance.now();
  const summary = summarize(many, { feeBps: 10, slippageBps: 5 }, { from: BASE, to: BASE + 86_400_000 }, '1m');
  const elapsedMs = performance.now() - start;
  if (summary.trades === 0) throw new Error('no trade to summarize');
  return { outcomes: many.length, elapsedMs };
}

interface ServiceResult {
  readonly database: string;
  readonly signals: number;
  readonly closed: number;
  readonly elapsedMs: number;
  readonly signalsPerSecond: number;
}

/** Stored candles and signals first, then the service started: the time it takes to follow and close them all. */
async function benchService(signalCount: number): Promise<ServiceResult> {
  const url = serviceUrl('DATABASE_URL');
  const created = url === undefined ? null : await createTestDatabase(url);
  const database = await openDatabase({ url: created?.url });
  try {
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const symbols = 10;
    const perSymbol = Math.ceil((signalCount / symbols) * 5) + 40;
    const { strategy } = await createStrategy(database.db, {
      name: 'outcome bench',
      source: 'NO_CODE',
      symbols: ['SYM0USDT'],
      document,
    });
    const store = new DrizzleCandleStore(database.db);
    const signals: Signal[] = [];
    for (let s = 0; s < symbols; s++) {
      const candles = candlesOf(`SYM${s}USDT`, perSymbol, s + 1);
      for (let i = 0; i < candles.length; i += 1_000) await store.put(candles.slice(i, i + 1_000));
      for (let i = 0; i + 40 < candles.length && signals.length < signalCount; i += 5) {
        signals.push(signalOn(strategy, candles[i] as Candle, (i / 5) % 2 === 0));
      }
    }
    for (let i = 0; i < signals.length; i += 500) await insertSignals(database.db, signals.slice(i, i + 500));
    const bus = new MemoryEventBus();
    await bus.ensureTopics([{ topic: TOPICS.candles }]);
    const service = new OutcomeService({ db: database.db, store, bus, log: silentLog, sweepMs: 3_600_000 });
    const start = performance.now();
    await service.start('bench');
    const latest = await latestSignalSeq(database.db);
    while (service.relay.stats.cursor < latest) await new Promise((resolve) => setTimeout(resolve, 5));
    const elapsedMs = performance.now() - start;
    await service.stop();
    await bus.close();
    return {
      database: database.kind,
      signals: signals.length,
      closed: await latestOutcomeSeq(database.db),
      elapsedMs,
      signalsPerSecond: (signals.length * 1_000) / elapsedMs,
    };
  } finally {
    await database.close();
    await created?.drop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { symbols: { type: 'string' }, candles: { type: 'string' }, signals: { type: 'string' } },
  });
  const symbols = integerOption('symbols', values.symbols, 100);
  const perSymbol = integerOption('candles', values.candles, 1_440);
  const signalCount = integerOption('signals', values.signals, 2_000);
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`node ${process.version}, ${cpu} x ${cpus().length}, ${platform()} ${arch()}, load ${loadavg()[0]}`);

  const tracker = benchTracker(symbols, perSymbol);
  const summary = benchSummary(tracker.outcomes);
  const service = signalCount > 0 ? await benchService(signalCount) : null;
  const t = tracker.result;
  const rows = [
    [
      'tracker',
      `${count(t.symbols)} symbols x ${count(perSymbol)} candles, ${count(t.signals)} signals`,
      `${count(t.candlesPerSecond)} candles/s, ${count(t.stepsPerSecond)} signal steps/s (equal to followSignal: ${t.equalToFollowSignal})`,
    ],
    ['summarize', `${count(summary.outcomes)} outcomes`, `${ms(summary.elapsedMs)} ms`],
  ];
  if (service !== null) {
    rows.push([
      `service (${service.database})`,
      `${count(service.signals)} stored signals, ${count(service.closed)} closed`,
      `${ms(service.elapsedMs)} ms, ${count(service.signalsPerSecond)} signals/s`,
    ]);
  }
  console.log(textTable(['part', 'workload', 'measured'], rows));
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { node: process.version, cpu, cores: cpus().length, os: `${platform()} ${release()}` },
        tracker: t,
        summarize: summary,
        service,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
