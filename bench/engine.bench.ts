/**
 * `pnpm bench`: replays the recorded trades as fast as the engine takes them, through aggregation, indicators
 * and both built-in strategies for many symbols (the same trades re-keyed), in one thread, and reports
 * throughput and the latency from a trade's arrival to its signal on the pub/sub. Then the same path through
 * the platform's own services with persistence, on one symbol. Then signal subscriptions through the gateway,
 * with and without an entity fetch per event, and what authentication costs there: CPU per operation of a
 * subscription and a query with auth on over off, both with the default limits (and, reported beside it, limits on
 * over off and a control of two identical platforms; `pnpm bench:auth` runs that part alone). Then the model path:
 * the example ONNX model's cost per candle in the engine (`bench/model.ts`). Prints tables and writes
 * `bench/results/engine.json`; it reports against the targets and does not fail on them.
 *
 * Options: `--passes <n>` (timed, default 5), `--warmup <n>` (default 1), `--symbols <n>` (default 50),
 * `--platform-passes <n>` (default 3, 0 skips the platform scenario), `--gateway-events <n>` (signals per
 * gateway run, default 300, 0 skips the gateway scenario), `--gateway-rate <n>` (signals/s, default 50),
 * `--gateway-subscribers <n,...>` (default 1,20), `--model-passes <n>` (default 3, 0 skips the model part).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import type { Trade } from '@alphintra/core';
import { BUNDLED_TRADES, parseBinanceTrade, readTradeFile } from '@alphintra/market-data';
import { type GatewayResult, gatewayReport, runGateway } from './gateway.ts';
import { type ModelBenchResult, modelReport, runModelBench } from './model.ts';
import { type PipelineResult, runPipeline } from './pipeline.ts';
import { type PlatformResult, runPlatform } from './platform.ts';
import { count, latencyLine, ms, textTable } from './report.ts';

/** The targets. */
const TARGETS = {
  tradesPerSecond: 200_000,
  p99LatencyMs: 5,
} as const;

// Parses of the whole file for the parse rate: about 250,000 lines, well above timer resolution.
const PARSE_REPETITIONS = 20;

const RESULTS = new URL('./results/engine.json', import.meta.url);

interface ParseResult {
  readonly lines: number;
  readonly elapsedMs: number;
  readonly linesPerSecond: number;
}

interface TargetResult {
  readonly name: string;
  readonly target: string;
  readonly measured: number;
  readonly unit: string;
  readonly pass: boolean;
}

function positiveInteger(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < (allowZero ? 0 : 1)) {
    throw new RangeError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
  return parsed;
}

function subscriberCounts(value: string | undefined): number[] {
  if (value === undefined) return [1, 20];
  return value.split(',').map((part) => positiveInteger('gateway-subscribers', part.trim(), 1));
}

/** Loads the recording the way the platform reads it: streamed from disk, line by line. */
async function loadTrades(path: string): Promise<{ trades: Trade[]; result: ParseResult }> {
  const start = performance.now();
  const trades: Trade[] = [];
  for await (const trade of readTradeFile(path)) trades.push(trade);
  const elapsedMs = performance.now() - start;
  return { trades, result: { lines: trades.length, elapsedMs, linesPerSecond: (trades.length * 1_000) / elapsedMs } };
}

/** `parseBinanceTrade` alone, on lines already in memory: JSON decoding, validation and normalization. */
function measureParse(path: string): ParseResult {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  // Consumed below so the parses are observably used.
  let checksum = 0;
  const start = performance.now();
  for (let repetition = 0; repetition < PARSE_REPETITIONS; repetition++) {
    for (const line of lines) checksum += parseBinanceTrade(line).priceNum;
  }
  const elapsedMs = performance.now() - start;
  if (!(checksum > 0)) throw new Error('parsed no prices');
  const parsed = lines.length * PARSE_REPETITIONS;
  return { lines: parsed, elapsedMs, linesPerSecond: (parsed * 1_000) / elapsedMs };
}

/** The auth-cost cases as targets: CPU per operation with authentication on over off. */
function authCostTargets(gateway: GatewayResult | { error: string } | null): TargetResult[] {
  if (gateway === null || 'error' in gateway || 'error' in gateway.authCost) return [];
  const { cases, maxRatio } = gateway.authCost;
  return cases
    .filter((c) => c.comparison === 'auth')
    .map((c) => ({
      name: `auth on / off CPU, ${c.operation}`,
      target: `<= x${maxRatio.toFixed(2)}`,
      measured: c.ratio,
      unit: 'x',
      pass: c.pass,
    }));
}

function targets(pipeline: PipelineResult, gateway: GatewayResult | { error: string } | null): TargetResult[] {
  const p99 = pipeline.latencyToSubscriber?.p99 ?? Number.POSITIVE_INFINITY;
  return [
    {
      name: 'throughput, one thread, in-process',
      target: `>= ${count(TARGETS.tradesPerSecond)} trades/s`,
      measured: pipeline.tradesPerSecond,
      unit: 'trades/s',
      pass: pipeline.tradesPerSecond >= TARGETS.tradesPerSecond,
    },
    {
      name: 'p99 closing trade -> signal received from pub/sub',
      target: `< ${TARGETS.p99LatencyMs} ms`,
      measured: p99,
      unit: 'ms',
      pass: p99 < TARGETS.p99LatencyMs,
    },
    ...authCostTargets(gateway),
  ];
}

function printReport(
  parse: ParseResult,
  load: ParseResult,
  pipeline: PipelineResult,
  platformResult: PlatformResult | { error: string } | null,
  gatewayResult: GatewayResult | { error: string } | null,
  modelResult: ModelBenchResult | { error: string } | null,
  targetResults: readonly TargetResult[],
): void {
  const perPass = pipeline.passes.map((pass) => pass.tradesPerSecond).sort((a, b) => a - b);
  const rows: string[][] = [
    ['parse: parseBinanceTrade, lines in memory', `${count(parse.linesPerSecond)} lines/s`],
    ['load: readTradeFile, from disk', `${count(load.linesPerSecond)} lines/s (${count(load.lines)} trades)`],
    ['symbols / strategies (runners)', `${pipeline.symbols} / ${pipeline.strategies} (${pipeline.runners})`],
    ['trades', count(pipeline.trades)],
    ['candles', count(pipeline.candles)],
    ['signals (delivered)', `${count(pipeline.signals)} (${count(pipeline.delivered)})`],
    ['elapsed', `${ms(pipeline.elapsedMs)} ms`],
    ['trades/s', count(pipeline.tradesPerSecond)],
    [
      'trades/s per pass: min / median / max',
      `${count(perPass[0] ?? 0)} / ${count(perPass[Math.floor(perPass.length / 2)] ?? 0)} / ${count(perPass.at(-1) ?? 0)}`,
    ],
    ['candles/s', count(pipeline.candlesPerSecond)],
    ['signals/s', count(pipeline.signalsPerSecond)],
    ['latency to subscriber ms: p50 / p90 / p99 / max', latencyLine(pipeline.latencyToSubscriber)],
    ['latency to publish resolved ms: p50 / p90 / p99 / max', latencyLine(pipeline.latencyToPublish)],
    [
      'heap used MiB: peak after a pass / retained after GC',
      `${pipeline.peakHeapUsedMiB.toFixed(1)} / ${pipeline.retainedHeapMiB.toFixed(1)}`,
    ],
  ];
  console.log(`\nEngine: aggregator -> engine -> in-memory pub/sub, ${pipeline.passes.length} timed passes`);
  console.log(textTable(['metric', 'value'], rows));

  if (platformResult !== null) {
    console.log('\nPlatform services: MarketDataService -> bus -> EngineService -> SignalDistributor (PGlite)');
    if ('error' in platformResult) {
      console.log(`not measured: ${platformResult.error}`);
    } else {
      const p = platformResult;
      console.log(
        textTable(
          ['metric', 'value'],
          [
            ['symbol / strategies', `${p.symbol} / ${p.strategies}`],
            ['setup (PGlite, migrations, services)', `${ms(p.setupMs)} ms`],
            ['trades', count(p.trades)],
            ['candles', count(p.candles)],
            ['signals (stored, delivered)', `${count(p.signals)} (${count(p.published)}, ${count(p.delivered)})`],
            ['trades/s, closed loop', count(p.tradesPerSecond)],
            ['latency to subscriber ms: p50 / p90 / p99 / max', latencyLine(p.latencyToSubscriber)],
          ],
        ),
      );
    }
  }

  if (gatewayResult !== null) {
    console.log(
      '\nGateway subscriptions: in-memory pub/sub -> signal subgraph -> Hive Gateway -> graphql-ws clients ' +
        '(one process, loopback; CPU is the whole process, net of the baseline)',
    );
    console.log('error' in gatewayResult ? `not measured: ${gatewayResult.error}` : gatewayReport(gatewayResult));
  }

  if (modelResult !== null) {
    if ('error' in modelResult) {
      console.log(`\nModel strategies: not measured: ${modelResult.error}`);
    } else {
      console.log(
        `\nModel strategies: ${modelResult.model}, onnxruntime-node on the CPU, ${modelResult.candles} recorded ` +
          `1m klines x ${modelResult.passes} timed passes`,
      );
      console.log(modelReport(modelResult));
    }
  }

  console.log('\nTargets');
  console.log(
    textTable(
      ['target', 'required', 'measured', 'result'],
      targetResults.map((t) => [
        t.name,
        t.target,
        t.unit === 'x'
          ? `x${t.measured.toFixed(3)}`
          : `${t.unit === 'ms' ? ms(t.measured) : count(t.measured)} ${t.unit}`,
        t.pass ? 'PASS' : 'FAIL',
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passes: { type: 'string' },
      warmup: { type: 'string' },
      symbols: { type: 'string' },
      'platform-passes': { type: 'string' },
      'gateway-events': { type: 'string' },
      'gateway-rate': { type: 'string' },
      'gateway-subscribers': { type: 'string' },
      'model-passes': { type: 'string' },
    },
  });
  const passes = positiveInteger('passes', values.passes, 5);
  const warmupPasses = positiveInteger('warmup', values.warmup, 1, true);
  const symbols = positiveInteger('symbols', values.symbols, 50);
  const platformPasses = positiveInteger('platform-passes', values['platform-passes'], 3, true);
  const gatewayEvents = positiveInteger('gateway-events', values['gateway-events'], 300, true);
  const gatewayRate = positiveInteger('gateway-rate', values['gateway-rate'], 50);
  const gatewaySubscribers = subscriberCounts(values['gateway-subscribers']);
  const modelPasses = positiveInteger('model-passes', values['model-passes'], 3, true);
  const cpu = cpus()[0]?.model ?? 'unknown';
  // Other work on a small machine moves the latency tail: the load at the start says how quiet it was.
  const load1m = loadavg()[0] ?? 0;
  console.log(`node ${process.version}, ${cpu} x ${cpus().length}, ${platform()} ${arch()}, load ${load1m.toFixed(2)}`);

  const { trades, result: load } = await loadTrades(BUNDLED_TRADES);
  const parse = measureParse(BUNDLED_TRADES);
  console.log(
    `${count(trades.length)} recorded trades x ${symbols} symbols; ${warmupPasses} warm-up + ${passes} timed passes`,
  );
  const pipeline = await runPipeline({ trades, symbols, warmupPasses, passes });

  let platformResult: PlatformResult | { error: string } | null = null;
  if (platformPasses > 0) {
    try {
      platformResult = await runPlatform({ trades, passes: platformPasses });
    } catch (error) {
      // The engine figures stand on their own: report the failure beside them rather than losing them.
      platformResult = { error: error instanceof Error ? error.message : String(error) };
    }
  }

  let gatewayResult: GatewayResult | { error: string } | null = null;
  if (gatewayEvents > 0) {
    try {
      gatewayResult = await runGateway({ subscribers: gatewaySubscribers, events: gatewayEvents, rate: gatewayRate });
    } catch (error) {
      gatewayResult = { error: error instanceof Error ? error.message : String(error) };
    }
  }

  let modelResult: ModelBenchResult | { error: string } | null = null;
  if (modelPasses > 0) {
    try {
      modelResult = await runModelBench({ passes: modelPasses });
    } catch (error) {
      modelResult = { error: error instanceof Error ? error.message : String(error) };
    }
  }

  const targetResults = targets(pipeline, gatewayResult);
  printReport(parse, load, pipeline, platformResult, gatewayResult, modelResult, targetResults);

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu,
    cpus: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage1m: load1m,
    config: {
      file: 'fixtures/market/binance-trade-XRPETH.ndjson',
      recordedTrades: trades.length,
      symbols,
      interval: '1m',
      warmupPasses,
      passes,
      passMode: 'fresh aggregator and engine per pass over the same interleaved trades',
      latency:
        'performance.now() just before addTrade of the closing trade -> subscriber receipt (and -> publish resolved)',
    },
    parse,
    load,
    engine: pipeline,
    platform: platformResult,
    targets: targetResults,
    gateway: gatewayResult,
    model: modelResult,
  };
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS.pathname}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
