/**
 * `pnpm bench` (fifth part): backtest speed over the recorded 1m klines (13,681 real candles). One strategy in a
 * backtest session (the engine plus the outcome tracker, as a job's worker thread runs it), each template in turn;
 * 100 strategies at once on the same candles (the engine's `backtest`, indicators shared); and one whole job through
 * the runner: candles read from the store in pages, handed to a worker thread, signals and outcomes stored (PGlite,
 * or PostgreSQL when `DATABASE_URL` is set). In one thread, so a figure is per core. Target: at least 1,000,000
 * candle-evaluations per second per core for rule strategies. Prints a table and writes
 * `bench/results/backtests.json`; it reports against the target and does not fail on it.
 *
 * Options: `--passes <n>` (timed, default 3), `--strategies <n>` (default 100), `--job-passes <n>` (default 1, 0
 * skips the runner figure).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createMemoryPubSub } from '@alphintra/bus';
import type { Candle, StrategySpec } from '@alphintra/core';
import { createBacktest, createStrategy, DrizzleCandleStore, getBacktests, openDatabase } from '@alphintra/db';
import { BacktestSession, backtest, STRATEGY_TEMPLATES } from '@alphintra/engine';
import { BacktestService, silentLog } from '@alphintra/platform';
import { createTestDatabase } from '@alphintra/testkit';
import { attempt, count, integerOption, machine, textTable } from './report.ts';
import { benchSpec, loadBenchKlines } from './strategies.ts';

const TARGET_EVALUATIONS_PER_SECOND = 1_000_000;
const RESULTS = new URL('./results/backtests.json', import.meta.url);

interface SpeedResult {
  readonly name: string;
  readonly strategies: number;
  readonly candles: number;
  readonly signals: number;
  /** Best of the passes. */
  readonly elapsedMs: number;
  readonly candlesPerSecond: number;
  readonly evaluationsPerSecond: number;
}

async function speed(
  name: string,
  strategies: number,
  candles: number,
  passes: number,
  run: () => Promise<number>,
): Promise<SpeedResult> {
  await run(); // warm-up: JIT and the modules' first use
  let best = Number.POSITIVE_INFINITY;
  let signals = 0;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    signals = await run();
    best = Math.min(best, performance.now() - start);
  }
  const candlesPerSecond = candles / (best / 1000);
  return {
    name,
    strategies,
    candles,
    signals,
    elapsedMs: best,
    candlesPerSecond,
    evaluationsPerSecond: candlesPerSecond * strategies,
  };
}

/** One session per template (its own periods), over every candle: candles per second for one strategy. */
async function sessionSpeeds(candles: readonly Candle[], passes: number): Promise<SpeedResult[]> {
  const results: SpeedResult[] = [];
  for (const [i] of STRATEGY_TEMPLATES.entries()) {
    const spec = benchSpec(i);
    const plan = { spec, from: (candles[0] as Candle).openTime, to: (candles.at(-1) as Candle).closeTime };
    results.push(
      await speed(`session: ${spec.name}`, 1, candles.length, passes, async () => {
        const session = new BacktestSession(plan);
        await session.feed(candles);
        return session.result({ feeBps: 0, slippageBps: 0 }).signals.length;
      }),
    );
  }
  return results;
}

interface JobResult {
  readonly database: string;
  readonly candles: number;
  readonly signals: number;
  readonly elapsedMs: number;
  readonly candlesPerSecond: number;
}

/** One whole job through the runner (store pages, a worker thread, storing the result), timed from claim to end. */
async function jobSpeed(candles: readonly Candle[], spec: StrategySpec): Promise<JobResult> {
  const url = process.env['DATABASE_URL'];
  const created = url ? await createTestDatabase(url) : null;
  const database = await openDatabase({ url: created?.url });
  try {
    const store = new DrizzleCandleStore(database.db);
    await store.put(candles);
    const { strategy } = await createStrategy(database.db, {
      name: 'bench',
      source: 'NO_CODE',
      symbols: [...spec.symbols],
      document: spec.document,
    });
    const job = await createBacktest(
      database.db,
      {
        owner: 'bench',
        strategyId: strategy.id,
        strategyVersion: strategy.version,
        strategyName: strategy.name,
        strategySource: 'NO_CODE',
        interval: spec.interval,
        document: spec.document,
        symbols: [...spec.symbols],
        from: new Date((candles[0] as Candle).openTime),
        to: new Date((candles.at(-1) as Candle).closeTime),
        feeBps: 0,
        slippageBps: 0,
      },
      1,
    );
    const runner = new BacktestService({ db: database.db, store, pubsub: createMemoryPubSub(), log: silentLog });
    const start = performance.now();
    await runner.start();
    let done = await getBacktests(database.db, [job.id]);
    while (done[0]?.status === 'QUEUED' || done[0]?.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done = await getBacktests(database.db, [job.id]);
    }
    const elapsedMs = performance.now() - start;
    await runner.stop();
    if (done[0]?.status !== 'SUCCEEDED') throw new Error(`the job ended ${done[0]?.status}: ${done[0]?.error}`);
    return {
      database: database.kind,
      candles: candles.length,
      signals: done[0].signalCount,
      elapsedMs,
      candlesPerSecond: candles.length / (elapsedMs / 1000),
    };
  } finally {
    await database.close();
    await created?.drop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { passes: { type: 'string' }, strategies: { type: 'string' }, 'job-passes': { type: 'string' } },
  });
  const passes = Math.max(1, integerOption('passes', values.passes, 3));
  const many = Math.max(1, integerOption('strategies', values.strategies, 100));
  const jobPasses = integerOption('job-passes', values['job-passes'], 1);
  const host = machine();
  console.log(`node ${host.node}, ${host.cpu} x ${host.cpus}, ${host.os}, load ${host.loadAverage1m.toFixed(2)}`);

  const candles = loadBenchKlines();
  const sessions = await sessionSpeeds(candles, passes);
  const specs = Array.from({ length: many }, (_, i) => benchSpec(i));
  const together = await speed(
    `engine backtest: ${many} strategies at once`,
    many,
    candles.length,
    passes,
    async () => (await backtest(specs, candles)).length,
  );
  const jobs: (JobResult | { error: string })[] = [];
  for (let i = 0; i < jobPasses; i++) jobs.push(await attempt(() => jobSpeed(candles, benchSpec(0))));

  console.log('\nBacktest speed over the recorded 1m klines, one thread');
  console.log(
    textTable(
      ['run', 'strategies', 'candles', 'signals', 'best ms', 'candles/s', 'candle-evaluations/s'],
      [...sessions, together].map((r) => [
        r.name,
        count(r.strategies),
        count(r.candles),
        count(r.signals),
        r.elapsedMs.toFixed(1),
        count(r.candlesPerSecond),
        count(r.evaluationsPerSecond),
      ]),
    ),
  );
  console.log('\nOne whole job through the runner (store pages -> worker thread -> stored result)');
  console.log(
    textTable(
      ['database', 'candles', 'signals', 'ms', 'candles/s'],
      jobs.map((j) =>
        'error' in j
          ? [`not measured: ${j.error}`, '', '', '', '']
          : [j.database, count(j.candles), count(j.signals), j.elapsedMs.toFixed(1), count(j.candlesPerSecond)],
      ),
    ),
  );
  const slowest = Math.min(...sessions.map((r) => r.evaluationsPerSecond));
  // One strategy pays each candle's own cost (parsing, the shared market ATR) alone: a figure, not the target's.
  const rows = [
    ['candles/s per core, one strategy in a session (slowest template)', count(slowest), '', ''],
    [
      `candle-evaluations/s per core, ${many} strategies at once`,
      count(together.evaluationsPerSecond),
      `>= ${count(TARGET_EVALUATIONS_PER_SECOND)}`,
      together.evaluationsPerSecond >= TARGET_EVALUATIONS_PER_SECOND ? 'PASS' : 'FAIL',
    ],
  ];
  console.log('\nTargets');
  console.log(textTable(['measure', 'measured', 'target', 'result'], rows));

  const report = {
    ...host,
    sessions,
    together,
    jobs,
    targets: { evaluationsPerSecond: TARGET_EVALUATIONS_PER_SECOND },
  };
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
