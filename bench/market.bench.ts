/**
 * `pnpm bench` (second part): market data. Raw Binance frames -> normalized, checked trades -> candles of all six
 * intervals for many symbols on one thread; failover from a stalled primary to the backup; and the newest 500
 * candles of one series out of millions stored in PostgreSQL (when `DATABASE_URL` is set). Prints a table and
 * writes `bench/results/market.json`; it reports against the targets and does not fail on them.
 *
 * Options: `--symbols <n>` (default 500), `--passes <n>` (default 1), `--failover-rounds <n>` (default 5, 0 skips),
 * `--candle-rows <n>` (default 10,000,000, 0 skips).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { type CandleStoreBenchResult, runCandleStoreBench } from './candle-store.ts';
import { type FailoverBenchResult, runFailoverBench } from './failover.ts';
import { runMarketDataBench } from './market-data.ts';
import { attempt, count, integerOption, ms, textTable } from './report.ts';

const TARGETS = { tradesPerSecond: 500_000, failoverMs: 1_000, candlesP99Ms: 10 } as const;
const RESULTS = new URL('./results/market.json', import.meta.url);

const max = (values: readonly number[]) => Math.max(...values);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      symbols: { type: 'string' },
      passes: { type: 'string' },
      'failover-rounds': { type: 'string' },
      'candle-rows': { type: 'string' },
    },
  });
  const symbols = integerOption('symbols', values.symbols, 500);
  const passes = integerOption('passes', values.passes, 1);
  const failoverRounds = integerOption('failover-rounds', values['failover-rounds'], 5);
  const candleRows = integerOption('candle-rows', values['candle-rows'], 10_000_000);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const load1m = loadavg()[0] ?? 0;
  console.log(`node ${process.version}, ${cpu} x ${cpus().length}, ${platform()} ${arch()}, load ${load1m.toFixed(2)}`);

  const ingest = await runMarketDataBench({ symbols, passes });
  const failover: FailoverBenchResult | { error: string } | null =
    failoverRounds > 0 ? await attempt(() => runFailoverBench({ rounds: failoverRounds })) : null;
  const databaseUrl = process.env['DATABASE_URL'];
  const candles: CandleStoreBenchResult | { error: string } | null =
    candleRows === 0
      ? null
      : databaseUrl
        ? await attempt(() => runCandleStoreBench({ databaseUrl, rows: candleRows }))
        : { error: 'set DATABASE_URL to a PostgreSQL server to measure the candle store' };

  const rows: string[][] = [
    [
      `frames -> trades -> candles (6 intervals), ${ingest.symbols} symbols, one thread`,
      `${count(ingest.tradesPerSecond)} trades/s`,
      `>= ${count(TARGETS.tradesPerSecond)}`,
      ingest.tradesPerSecond >= TARGETS.tradesPerSecond ? 'PASS' : 'FAIL',
    ],
    [
      'JSON.parse alone on the same frames (baseline)',
      `${count(ingest.parseOnlyPerSecond)} frames/s (ratio ${(ingest.tradesPerSecond / ingest.parseOnlyPerSecond).toFixed(2)})`,
      '',
      '',
    ],
  ];
  if (failover !== null) {
    if ('error' in failover) rows.push(['failover', `not measured: ${failover.error}`, '', '']);
    else {
      rows.push(
        [
          `primary STALE -> first backup trade, ${failover.rounds} rounds: median / max`,
          `${ms(median(failover.detectionToBackupMs))} / ${ms(max(failover.detectionToBackupMs))} ms`,
          `< ${count(TARGETS.failoverMs)} ms`,
          max(failover.detectionToBackupMs) < TARGETS.failoverMs ? 'PASS' : 'FAIL',
        ],
        [
          `stall start -> first backup trade (stale after ${failover.staleAfterMs} ms): median / max`,
          `${ms(median(failover.stallToBackupMs))} / ${ms(max(failover.stallToBackupMs))} ms`,
          '',
          '',
        ],
      );
    }
  }
  if (candles !== null) {
    if ('error' in candles) rows.push(['candles(last: 500) from PostgreSQL', `not measured: ${candles.error}`, '', '']);
    else {
      rows.push([
        `candles(last: 500) of ${count(candles.rows)} stored, ${candles.queries} queries: p50 / p99`,
        `${ms(candles.p50Ms)} / ${ms(candles.p99Ms)} ms (seeded in ${candles.seedSeconds.toFixed(1)} s)`,
        `p99 < ${TARGETS.candlesP99Ms} ms`,
        candles.p99Ms < TARGETS.candlesP99Ms ? 'PASS' : 'FAIL',
      ]);
    }
  }
  console.log('\nMarket data');
  console.log(textTable(['measure', 'measured', 'target', 'result'], rows));

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cpus: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage1m: load1m,
    ingest,
    failover,
    candleStore: candles,
    targets: TARGETS,
  };
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
