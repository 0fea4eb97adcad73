/**
 * `pnpm bench` (third part): strategies as documents. Per-candle evaluation time for 1, 100, 1,000 and 10,000
 * active document strategies on one symbol (templates with varied periods) over the recorded 1m klines, with the
 * indicator nodes they share; then the time from `updateStrategy` returning to the new version running in a second
 * engine process (PostgreSQL + Kafka when `DATABASE_URL` and `KAFKA_BROKERS` are set). Prints a table and writes
 * `bench/results/strategies.json`; it reports against the targets and does not fail on them.
 *
 * Options: `--counts <n,...>` (default 1,100,1000,10000), `--candles <n>` (candles for 10,000 strategies, default
 * 2,000; fewer strategies run on all 13,681), `--updates <n>` (default 40, 0 skips the reload figure).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { type ReloadBenchResult, runReloadBench } from './reload.ts';
import { count, ms, textTable } from './report.ts';
import { runStrategiesBench, type StrategiesBenchResult } from './strategies.ts';

const TARGETS = { p99MsAt1000: 2, reloadP99Ms: 1_000 } as const;
const RESULTS = new URL('./results/strategies.json', import.meta.url);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { counts: { type: 'string' }, candles: { type: 'string' }, updates: { type: 'string' } },
  });
  const counts = (values.counts ?? '1,100,1000,10000').split(',').map(Number);
  const bigCandles = Number(values.candles ?? 2_000);
  const updates = Number(values.updates ?? 40);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const load1m = loadavg()[0] ?? 0;
  console.log(`node ${process.version}, ${cpu} x ${cpus().length}, ${platform()} ${arch()}, load ${load1m.toFixed(2)}`);

  const evaluation: StrategiesBenchResult[] = counts.flatMap((n) =>
    runStrategiesBench({ counts: [n], ...(n >= 10_000 ? { candles: bigCandles } : {}) }),
  );
  let reload: ReloadBenchResult | { error: string } | null = null;
  if (updates > 0) {
    try {
      reload = await runReloadBench({
        updates,
        databaseUrl: process.env['DATABASE_URL'],
        kafkaBrokers: process.env['KAFKA_BROKERS'],
      });
    } catch (error) {
      reload = { error: error instanceof Error ? error.message : String(error) };
    }
  }

  console.log('\nStrategies as documents: per-candle evaluation on one symbol');
  console.log(
    textTable(
      ['strategies', 'candles', 'indicator nodes', 'p50 ms', 'p99 ms', 'max ms', 'signals'],
      evaluation.map((r) => [
        count(r.strategies),
        count(r.candles),
        count(r.indicatorNodes),
        ms(r.p50Ms),
        ms(r.p99Ms),
        ms(r.maxMs),
        count(r.signals),
      ]),
    ),
  );
  const at1000 = evaluation.find((r) => r.strategies === 1_000);
  const rows: string[][] = [];
  if (at1000 !== undefined) {
    rows.push([
      'p99 per candle, 1,000 strategies',
      `${ms(at1000.p99Ms)} ms`,
      `< ${TARGETS.p99MsAt1000} ms`,
      at1000.p99Ms < TARGETS.p99MsAt1000 ? 'PASS' : 'FAIL',
    ]);
  }
  if (reload !== null) {
    if ('error' in reload)
      rows.push(['updateStrategy -> in effect in a second engine', `not measured: ${reload.error}`, '', '']);
    else {
      rows.push([
        `updateStrategy -> in effect in a second engine (${reload.engines}, ${reload.updates} updates): p50 / p99`,
        `${ms(reload.p50Ms)} / ${ms(reload.p99Ms)} ms`,
        `p99 < ${count(TARGETS.reloadP99Ms)} ms`,
        reload.p99Ms < TARGETS.reloadP99Ms ? 'PASS' : 'FAIL',
      ]);
    }
  }
  console.log('\nTargets');
  console.log(textTable(['measure', 'measured', 'target', 'result'], rows));

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cpus: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage1m: load1m,
    evaluation,
    reload,
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
