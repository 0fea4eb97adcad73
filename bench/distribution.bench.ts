/**
 * `pnpm bench` (fourth part): distribution. Signals through the platform's outbox to Kafka and the Redis pub/sub,
 * sustained and at 1,000/s with the latency to a Kafka consumer, a Redis subscriber and a GraphQL subscriber
 * through the gateway, beside a floor at the same rate (`floor.ts`: a bare durable insert, produce and publish);
 * signal history pages over millions of stored signals; webhook fan-out to local receivers.
 * Needs `DATABASE_URL`, `REDIS_URL` and `KAFKA_BROKERS` (a part without its servers is reported as skipped).
 * Prints a table and writes `bench/results/distribution.json`; it reports against the targets and does not fail
 * on them.
 *
 * After the distribution part, it times what a durable commit waits for on this machine's disk (`bench/disk.ts`).
 *
 * Options: `--signals <n>` (sustained run, default 200,000), `--history-rows <n>` (default 10,000,000, 0 skips),
 * `--webhook-receivers <n>` (default 100, 0 skips), `--webhook-signals <n>` (default 200), `--disk-seconds <n>`
 * (default 10, 0 skips).
 */
import { parseArgs } from 'node:util';
import { type DiskFlushResult, measureDiskFlush } from './disk.ts';
import { type DistributionBenchResult, runDistributionBench } from './distribution.ts';
import type { MachineCpu } from './machine.ts';
import type { LatencySummary } from './measure.ts';
import { attempt, count, integerOption, latencyLine, machine, ms, textTable, writeReport } from './report.ts';
import { runSignalHistoryBench, type SignalHistoryBenchResult } from './signals.ts';
import { runWebhookBench, type WebhookBenchResult } from './webhooks.ts';

const TARGETS = { signalsPerSecond: 20_000, latencyP99Ms: 10, historyP99Ms: 10 } as const;
const RESULTS = new URL('./results/distribution.json', import.meta.url);

type Outcome<T> = T | { error: string } | null;

const failed = <T extends object>(outcome: Outcome<T>): outcome is { error: string } =>
  outcome !== null && 'error' in outcome;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      signals: { type: 'string' },
      'history-rows': { type: 'string' },
      'webhook-receivers': { type: 'string' },
      'webhook-signals': { type: 'string' },
      'disk-seconds': { type: 'string' },
    },
  });
  const signals = integerOption('signals', values.signals, 200_000);
  const historyRows = integerOption('history-rows', values['history-rows'], 10_000_000);
  const receivers = integerOption('webhook-receivers', values['webhook-receivers'], 100);
  const webhookSignals = integerOption('webhook-signals', values['webhook-signals'], 200);
  const diskSeconds = integerOption('disk-seconds', values['disk-seconds'], 10);
  const databaseUrl = process.env['DATABASE_URL'];
  const redisUrl = process.env['REDIS_URL'];
  const kafkaBrokers = process.env['KAFKA_BROKERS'];
  const { cpu, cpus, loadAverage1m } = machine();
  console.log(`node ${process.version}, ${cpu} x ${cpus}, load ${loadAverage1m.toFixed(2)}`);

  const distribution: Outcome<DistributionBenchResult> =
    databaseUrl && redisUrl && kafkaBrokers && signals > 0
      ? await attempt(() => runDistributionBench({ databaseUrl, redisUrl, kafkaBrokers, signals }))
      : { error: 'set DATABASE_URL, REDIS_URL and KAFKA_BROKERS to measure distribution' };
  // Right after the latency run, with the servers still up and idle: the disk as that run had it, near enough.
  const disk: Outcome<DiskFlushResult> =
    diskSeconds === 0
      ? null
      : await attempt(() =>
          measureDiskFlush({
            seconds: diskSeconds,
            sameDeviceAs: failed(distribution) || distribution === null ? null : distribution.databaseDirectory,
          }),
        );
  const history: Outcome<SignalHistoryBenchResult> =
    historyRows === 0
      ? null
      : databaseUrl
        ? await attempt(() => runSignalHistoryBench({ databaseUrl, rows: historyRows }))
        : { error: 'set DATABASE_URL to measure signal history' };
  const webhooks: Outcome<WebhookBenchResult> =
    receivers === 0 ? null : await attempt(() => runWebhookBench({ receivers, signals: webhookSignals, databaseUrl }));

  console.log('\nDistribution (PostgreSQL outbox -> Kafka + Redis, all local)');
  if (failed(distribution) || distribution === null) {
    console.log(`  not measured: ${distribution?.error ?? 'skipped'}`);
  } else {
    const d = distribution;
    console.log(
      textTable(
        ['figure', 'value', 'target'],
        [
          ['signals stored /s (sustained)', count(d.storedPerSecond), `>= ${count(TARGETS.signalsPerSecond)}`],
          ['... delivered to Kafka /s', count(d.kafkaPerSecond), `>= ${count(TARGETS.signalsPerSecond)}`],
          ['... delivered to Redis pub/sub /s', count(d.pubsubPerSecond), `>= ${count(TARGETS.signalsPerSecond)}`],
          ['... all of it delivered and followed by the outcome service /s', count(d.caughtUpPerSecond), ''],
          ['lost (Kafka / pub/sub)', `${d.signals - d.kafkaReceived} / ${d.signals - d.pubsubReceived}`, '0 / 0'],
          ['commits (group commit)', count(d.commits), ''],
          ['CPU of the platform process per signal', `${d.cpuMicrosPerSignal.toFixed(1)} µs`, ''],
        ],
      ),
    );
    console.log(
      `\nAt ${count(d.latencyRate)} signals/s, hand-over -> receipt, ms (p50 / p90 / p99 / max), p99 target ${TARGETS.latencyP99Ms} ms`,
    );
    console.log(
      textTable(
        ['reader', 'latency'],
        [
          ['Kafka consumer', latencyLine(d.latencyToKafka)],
          ['Redis subscriber', latencyLine(d.latencyToPubsub)],
          ['GraphQL subscriber via gateway', latencyLine(d.latencyToGateway)],
          ['(of which: stored, the commit acknowledged)', latencyLine(d.latencyToStored)],
          ['floor: bare insert, produce, publish -> Kafka consumer', latencyLine(d.floor.toKafka)],
          ['floor: ... -> Redis subscriber', latencyLine(d.floor.toPubsub)],
          ['floor: ... -> the insert committed', latencyLine(d.floor.toCommitted)],
        ],
      ),
    );
    const ratio = (ours: LatencySummary | null, floor: LatencySummary | null) =>
      ours && floor ? `${(ours.p99 / floor.p99).toFixed(2)}` : 'n/a';
    console.log(
      `p99 against the floor in the same run: Kafka ${ratio(d.latencyToKafka, d.floor.toKafka)}x, Redis ${ratio(d.latencyToPubsub, d.floor.toPubsub)}x, commit ${ratio(d.latencyToStored, d.floor.toCommitted)}x`,
    );
    printCpu('CPU during that run', d.latencyRunCpu, d.latencyRate);
    printCpu('CPU during the sustained run, until everything was done', d.sustainedRunCpu, d.caughtUpPerSecond);
  }

  console.log('\nThe disk: an 8 KB write + fdatasync every 10 ms, what a durable commit waits for');
  if (failed(disk) || disk === null) {
    console.log(`  not measured: ${disk?.error ?? 'skipped'}`);
  } else {
    const where =
      disk.sameDevice === null ? '' : disk.sameDevice ? ", PostgreSQL's file system" : ", not PostgreSQL's file system";
    console.log(
      `  ${latencyLine(disk.flush)} ms (p50 / p90 / p99 / max${where}); over ${disk.stallMs} ms: ${count(disk.stalls)} flushes, ` +
        `${(disk.stalledShare * 100).toFixed(1)} % of the time`,
    );
  }

  console.log('\nSignal history: `signals(filter, first: 20, after)` pages');
  if (failed(history) || history === null) {
    console.log(`  not measured: ${history?.error ?? 'skipped'}`);
  } else {
    console.log(
      textTable(
        ['page', 'queries', 'p50 ms', 'p99 ms'],
        Object.entries(history.byKind).map(([kind, f]) => [kind, count(f.queries), ms(f.p50Ms), ms(f.p99Ms)]),
      ),
    );
    console.log(
      `${count(history.rows)} signals (seeded in ${history.seedSeconds.toFixed(0)} s): p99 ${ms(history.p99Ms)} ms, target < ${TARGETS.historyP99Ms} ms`,
    );
  }

  console.log('\nWebhook fan-out');
  if (failed(webhooks) || webhooks === null) {
    console.log(`  not measured: ${webhooks?.error ?? 'skipped'}`);
  } else {
    console.log(
      `${count(webhooks.deliveries)} deliveries to ${webhooks.receivers} receivers (${webhooks.database}): ` +
        `${count(webhooks.deliveriesPerSecond)}/s; latency p50 ${ms(webhooks.p50Ms)} ms, p99 ${ms(webhooks.p99Ms)} ms`,
    );
  }

  writeReport(RESULTS, { ...machine(), targets: TARGETS, distribution, disk, history, webhooks });
  process.exit(0);
}

/** The CPU of each local process over a run, as cores busy and µs per signal at `signalsPerSecond`. */
function printCpu(heading: string, cpu: MachineCpu | null, signalsPerSecond: number): void {
  if (cpu === null) return;
  console.log(
    `\n${heading} (cores busy on average, of ${cpu.cores}; µs per signal): the whole machine ${cpu.machineCores.toFixed(2)}`,
  );
  console.log(
    textTable(
      ['process', 'cores', 'µs per signal'],
      Object.entries(cpu.byProcess).map(([name, cores]) => [
        name,
        cores.toFixed(2),
        ((cores * 1_000_000) / signalsPerSecond).toFixed(0),
      ]),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
