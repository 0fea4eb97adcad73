import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveSignalsSubscription, LiveSignalsWithStrategyDetailsSubscription } from '@alphintra/client';
import type { Signal, StrategySpec } from '@alphintra/core';
import type { Platform } from '@alphintra/platform';
import { strategyEntityFetches, syntheticSignal } from '@alphintra/testkit';
import { type LatencySummary, Samples } from './measure.ts';
import { count, latencyLine, ms, textTable } from './report.ts';

/** What a subscription selects: `plain` is served from the signal's own `@provides` fields, `enriched` is not. */
export const SELECTIONS = ['plain', 'enriched'] as const;
export type Selection = (typeof SELECTIONS)[number];

/** Options of `runGateway`. */
export interface GatewayOptions {
  /** Subscriber counts each selection is measured with, e.g. `[1, 20]`. */
  readonly subscribers: readonly number[];
  /** Signals published and timed per run. */
  readonly events: number;
  /** Publications per second. */
  readonly rate: number;
}

/** One run: `subscribers` clients on one selection (or none, for the baseline) while `events` signals go out. */
export interface GatewayRun {
  readonly selection: Selection | 'baseline';
  readonly subscribers: number;
  readonly events: number;
  /** `events` x `subscribers`. */
  readonly expected: number;
  readonly delivered: number;
  /** Expected deliveries that had not arrived when the wait for them ended. */
  readonly missing: number;
  /** Deliveries whose `strategy` lacked what the selection asked for (or named another strategy). */
  readonly incomplete: number;
  /** Subscriptions that ended with an error, and other problems of the run. */
  readonly errors: readonly string[];
  /** Subscriptions on the signal subgraph's pub/sub channel during the run (the gateway's upstream ones). */
  readonly upstreamSubscriptions: number | null;
  /** First publication to last publication. */
  readonly publishMs: number;
  /** First publication to last delivery (to the end of the wait when deliveries are missing). */
  readonly elapsedMs: number;
  /** Deliveries over `elapsedMs`: the offered load when the path keeps up. */
  readonly deliveriesPerSecond: number;
  /** `performance.now()` just before `pubsub.publish` -> the event yielded by the subscriber's iterator. */
  readonly latency: LatencySummary | null;
  /** User + system CPU of the whole process over `elapsedMs`: gateway, subgraphs, pub/sub and clients. */
  readonly cpuMs: number;
  readonly cpuMsPerDelivery: number | null;
  /** `cpuMs` less the baseline's CPU per published event times `events`, per delivery. */
  readonly netCpuMsPerDelivery: number | null;
  /** `_entities` fetches of `Strategy` the gateway made to the strategy subgraph during the run. */
  readonly strategyEntityFetches: number;
}

/** One operation repeated in a closed loop (each starts when the previous one ended). */
export interface ClosedLoopResult {
  readonly operations: number;
  /** Whole-process CPU per operation: both ends when the operation is a request on loopback. */
  readonly cpuMsPerOperation: number;
  readonly latency: LatencySummary | null;
}

/** What `runGateway` measured. */
export interface GatewayResult {
  /** How latency and CPU are taken. */
  readonly method: string;
  readonly symbol: string;
  /** Starting the platform in-process: PGlite in memory with migrations, subgraphs and gateway on free ports. */
  readonly setupMs: number;
  readonly rate: number;
  readonly events: number;
  /** Published per selection, untimed, to the largest subscriber count before the baseline and the runs. */
  readonly warmupEvents: number;
  /** Problems of the warm-up runs (missing deliveries, subscription errors); empty when it went through. */
  readonly warmupErrors: readonly string[];
  /** No subscriber: publication alone (JSON round trip of the in-memory pub/sub, timers) and the idle platform. */
  readonly baseline: GatewayRun;
  readonly runs: readonly GatewayRun[];
  /** Where an enriched delivery's entity fetch spends its time, measured without the gateway. */
  readonly entityFetch: {
    /** The gateway's own `_entities` request (as it sent it), posted straight to the strategy subgraph. */
    readonly subgraphRequest: ClosedLoopResult | null;
    /** The strategy subgraph's DataLoader batch function alone: `getStrategies` on PGlite. */
    readonly lookup: ClosedLoopResult;
  };
}

type SignalEvent = LiveSignalsSubscription | LiveSignalsWithStrategyDetailsSubscription;

const SYMBOL = 'XRPETH';
// Market time of the first synthetic signal; each next one is a minute later, so every id is distinct.
const FIRST_CLOSE_TIME = Date.UTC(2030, 0, 1);
// The JIT needs thousands of passes through gateway and subgraph code before timings settle.
const WARMUP_EVENTS = 300;
const WARMUP_TIMEOUT_MS = 20_000;
const PROBE_EVERY_MS = 100;
const LIVE_TIMEOUT_MS = 10_000;
// After the last probe answered, earlier probes may still be on their way.
const PROBE_SETTLE_MS = 300;
const DRAIN_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 5_000;
const CLOSED_LOOP_WARMUP = 100;
const CLOSED_LOOP_OPERATIONS = 300;
const METHOD =
  'one process, loopback: signals published on the in-memory pub/sub at a fixed rate; latency from just before ' +
  'publish to the event leaving the AlphintraClient iterator, every subscriber; CPU is process.cpuUsage() (user + ' +
  'system, all threads) of the whole process (gateway, subgraphs, pub/sub, clients) from the first publication ' +
  'to the last delivery; net = less the baseline run (same events and rate, no subscriber) per event';

/** Well-formed signals of `strategy` with deterministic, distinct ids, made before any timing starts. */
class SignalSource {
  readonly #strategy: StrategySpec;
  #sequence = 0;

  constructor(strategy: StrategySpec) {
    this.#strategy = strategy;
  }

  take(count: number): Signal[] {
    return Array.from({ length: count }, () => this.next());
  }

  next(): Signal {
    return syntheticSignal(this.#strategy, FIRST_CLOSE_TIME + this.#sequence++ * 60_000, SYMBOL);
  }
}

/** Publication times of the signals a run counts, and what their deliveries measured. */
class Window {
  readonly published = new Map<string, number>();
  readonly samples = new Samples();
  delivered = 0;
  incomplete = 0;
  #target = Number.POSITIVE_INFINITY;
  #wake: (() => void) | null = null;

  /** Records a delivery of a counted signal; ignores any other (probes). */
  deliver(id: string, at: number, complete: boolean): void {
    const sent = this.published.get(id);
    if (sent === undefined) return;
    this.samples.push(at - sent);
    this.delivered++;
    if (!complete) this.incomplete++;
    if (this.delivered >= this.#target && this.#wake !== null) {
      const wake = this.#wake;
      this.#wake = null;
      wake();
    }
  }

  /** Resolves true once `total` deliveries arrived, false after `timeoutMs`. */
  async until(total: number, timeoutMs: number): Promise<boolean> {
    if (this.delivered >= total) return true;
    const arrived = new Promise<true>((resolve) => {
      this.#target = total;
      this.#wake = () => resolve(true);
    });
    const controller = new AbortController();
    const result = await Promise.race([arrived, sleep(timeoutMs, false, { signal: controller.signal })]);
    controller.abort();
    this.#wake = null;
    return result;
  }
}

/** One subscriber: its own client (its own WebSocket to the gateway) with one subscription, drained as it arrives. */
class Subscriber {
  /** Events of any kind received, probes included. */
  seen = 0;
  error: unknown = undefined;
  readonly #client: { close(): Promise<void> };
  readonly #iterator: AsyncIterableIterator<SignalEvent>;
  readonly #done: Promise<void>;

  constructor(
    client: { close(): Promise<void> },
    iterator: AsyncIterableIterator<SignalEvent>,
    onEvent: (event: SignalEvent, at: number) => void,
  ) {
    this.#client = client;
    this.#iterator = iterator;
    this.#done = (async () => {
      try {
        for await (const event of iterator) {
          const at = performance.now();
          this.seen++;
          onEvent(event, at);
        }
      } catch (error) {
        this.error = error;
      }
    })();
  }

  async close(): Promise<void> {
    await this.#iterator.return?.();
    await this.#done;
    await this.#client.close();
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function closedLoop(operation: () => Promise<void>): Promise<ClosedLoopResult> {
  for (let i = 0; i < CLOSED_LOOP_WARMUP; i++) await operation();
  const samples = new Samples();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < CLOSED_LOOP_OPERATIONS; i++) {
    const start = performance.now();
    await operation();
    samples.push(performance.now() - start);
  }
  return {
    operations: CLOSED_LOOP_OPERATIONS,
    cpuMsPerOperation: cpuMsSince(cpuStart) / CLOSED_LOOP_OPERATIONS,
    latency: samples.summary(),
  };
}

/**
 * The gateway's subscription path on embedded defaults, in this process: signals published on the platform's
 * in-memory pub/sub -> signal subgraph (graphql-ws) -> Hive Gateway (graphql-ws) -> `AlphintraClient`s on
 * loopback. For each subscriber count, the `plain` selection (strategy id, name, version: carried by the signal)
 * and the `enriched` one (strategy type, status, symbols: an entity fetch from the strategy subgraph), at a fixed
 * publication rate, after an untimed warm-up and a baseline run without subscribers.
 */
export async function runGateway(options: GatewayOptions): Promise<GatewayResult> {
  // Imported here so that the other scenarios run without the gateway's modules (or their start-up) loaded.
  const { AlphintraClient, LiveSignalsDocument, LiveSignalsWithStrategyDetailsDocument } = await import(
    '@alphintra/client'
  );
  const { runningStrategySpecs, getStrategies } = await import('@alphintra/db');
  const { loadConfig, silentLog, startPlatform } = await import('@alphintra/platform');
  const { SIGNALS_CHANNEL } = await import('@alphintra/core');

  const fetches = strategyEntityFetches();
  const setupStart = performance.now();
  const platform: Platform = await startPlatform(
    {
      ...loadConfig({}),
      databaseUrl: undefined,
      dataDir: null,
      redisUrl: undefined,
      kafkaBrokers: [],
      autoStartReplay: false,
      port: 0,
      host: '127.0.0.1',
      subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
      gatewayPlugins: [fetches.plugin],
      gatewayLogging: false,
    },
    () => silentLog,
  );
  const setupMs = performance.now() - setupStart;

  try {
    const strategy = (await runningStrategySpecs(platform.database.db)).find((s) => s.symbols.includes(SYMBOL));
    if (strategy === undefined) throw new Error(`no active strategy on ${SYMBOL} to publish signals of`);
    const source = new SignalSource(strategy);
    // graphql-subscriptions' PubSub keeps one listener per subscription on its EventEmitter; not public API,
    // so the count is best effort (null with another engine).
    const emitter = (platform.pubsub as unknown as { ee?: EventEmitter }).ee;
    const upstream = () => emitter?.listenerCount(SIGNALS_CHANNEL) ?? null;
    const publish = (signal: Signal) => platform.pubsub.publish(SIGNALS_CHANNEL, signal);

    /** Publishes `signals` at `rate` (all at once when infinite), stamping each just before it goes out. */
    const publishPaced = async (signals: readonly Signal[], rate: number, window: Window) => {
      const spacing = 1_000 / rate;
      const start = performance.now();
      for (let i = 0; i < signals.length; i++) {
        const signal = signals[i] as Signal;
        // Timers fire late rather than early: a late one is caught up by publishing the overdue signals at once.
        const wait = start + i * spacing - performance.now();
        if (wait >= 1) await sleep(wait);
        window.published.set(signal.id, performance.now());
        await publish(signal);
      }
      return performance.now() - start;
    };

    /** `count` live subscribers on `selection` while `signals` are published; they are closed after. */
    const run = async (
      selection: Selection | 'baseline',
      count: number,
      signals: readonly Signal[],
      rate: number,
      drainTimeoutMs: number,
    ): Promise<Omit<GatewayRun, 'netCpuMsPerDelivery'>> => {
      const errors: string[] = [];
      const window = new Window();
      const subscribers: Subscriber[] = [];
      try {
        for (let i = 0; i < count; i++) {
          const client = new AlphintraClient({ url: platform.gateway.url });
          const variables = { filter: { symbols: [SYMBOL] } };
          const iterator: AsyncIterableIterator<SignalEvent> =
            selection === 'enriched'
              ? client.subscribe(LiveSignalsWithStrategyDetailsDocument, variables)
              : client.subscribe(LiveSignalsDocument, variables);
          subscribers.push(
            new Subscriber(client, iterator, (event, at) => {
              const owner = event.signals.strategy;
              const complete =
                owner.id === strategy.id &&
                (selection !== 'enriched' || ('interval' in owner && owner.interval === strategy.interval));
              window.deliver(event.signals.id, at, complete);
            }),
          );
        }
        // Probe until every subscription answers: then gateway -> subgraph -> pub/sub is live for each of them.
        const deadline = performance.now() + LIVE_TIMEOUT_MS;
        while (subscribers.some((s) => s.seen === 0 && s.error === undefined)) {
          if (performance.now() > deadline) throw new Error(`subscriptions not live after ${LIVE_TIMEOUT_MS} ms`);
          await publish(source.next());
          await sleep(PROBE_EVERY_MS);
        }
        if (count > 0) await sleep(PROBE_SETTLE_MS);

        const expected = signals.length * count;
        const fetchesBefore = fetches.count;
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        const publishMs = await publishPaced(signals, rate, window);
        const upstreamSubscriptions = upstream();
        // Bounded: a path that falls behind is reported with what is missing, not waited for indefinitely.
        const complete = await window.until(expected, drainTimeoutMs);
        const elapsedMs = performance.now() - start;
        const cpuMs = cpuMsSince(cpuStart);
        const entityFetches = fetches.count - fetchesBefore;
        if (!complete) errors.push(`deliveries still missing ${drainTimeoutMs} ms after the last publication`);
        for (const [index, subscriber] of subscribers.entries()) {
          if (subscriber.error !== undefined) errors.push(`subscriber ${index}: ${describe(subscriber.error)}`);
        }
        return {
          selection,
          subscribers: count,
          events: signals.length,
          expected,
          delivered: window.delivered,
          missing: expected - window.delivered,
          incomplete: window.incomplete,
          errors,
          upstreamSubscriptions,
          publishMs,
          elapsedMs,
          deliveriesPerSecond: (window.delivered * 1_000) / elapsedMs,
          latency: window.samples.summary(),
          cpuMs,
          cpuMsPerDelivery: window.delivered > 0 ? cpuMs / window.delivered : null,
          strategyEntityFetches: entityFetches,
        };
      } finally {
        // Runs before the caller sees the result, so a problem found here still lands in its `errors`.
        await Promise.all(subscribers.map((s) => s.close()));
        // The next run starts with no subscription left from this one, so it pays for its own only.
        const deadline = performance.now() + CLOSE_TIMEOUT_MS;
        while ((upstream() ?? 0) > 0 && performance.now() < deadline) await sleep(10);
        const left = upstream() ?? 0;
        if (left > 0) errors.push(`${left} upstream subscriptions still open after closing`);
      }
    };

    const most = Math.max(...options.subscribers);
    const warmupErrors: string[] = [];
    for (const selection of SELECTIONS) {
      const warmup = await run(
        selection,
        most,
        source.take(WARMUP_EVENTS),
        Number.POSITIVE_INFINITY,
        WARMUP_TIMEOUT_MS,
      );
      warmupErrors.push(...warmup.errors.map((error) => `${selection}: ${error}`));
    }
    const baseline = await run('baseline', 0, source.take(options.events), options.rate, DRAIN_TIMEOUT_MS);
    const baselineCpuPerEvent = baseline.cpuMs / baseline.events;
    const withNet = (measured: Omit<GatewayRun, 'netCpuMsPerDelivery'>): GatewayRun => ({
      ...measured,
      netCpuMsPerDelivery:
        measured.delivered > 0 ? (measured.cpuMs - baselineCpuPerEvent * measured.events) / measured.delivered : null,
    });
    const runs: GatewayRun[] = [];
    for (const count of options.subscribers) {
      for (const selection of SELECTIONS) {
        const signals = source.take(options.events);
        // A path that falls behind gets at least as long again as the publishing took to catch up.
        const drainTimeoutMs = Math.max(DRAIN_TIMEOUT_MS, (signals.length * 1_000) / options.rate);
        runs.push(withNet(await run(selection, count, signals, options.rate, drainTimeoutMs)));
      }
    }

    const captured = fetches.first;
    const subgraphRequest =
      captured === null
        ? null
        : await closedLoop(async () => {
            const response = await fetch(captured.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', accept: 'application/json' },
              body: captured.body,
            });
            const body = (await response.json()) as { data?: { _entities?: unknown[] }; errors?: unknown[] };
            if (!response.ok || body.errors !== undefined || body.data?._entities?.length !== 1) {
              throw new Error(`the strategy subgraph answered ${response.status}: ${JSON.stringify(body)}`);
            }
          });
    const lookup = await closedLoop(async () => {
      const [found] = await getStrategies(platform.database.db, [strategy.id]);
      if (found === undefined) throw new Error(`strategy ${strategy.id} not found`);
    });

    return {
      method: METHOD,
      symbol: SYMBOL,
      setupMs,
      rate: options.rate,
      events: options.events,
      warmupEvents: WARMUP_EVENTS,
      warmupErrors,
      baseline: withNet(baseline),
      runs,
      entityFetch: { subgraphRequest, lookup },
    };
  } finally {
    await platform.close();
  }
}

function runName(run: GatewayRun): string {
  if (run.selection === 'baseline') return 'baseline, no subscriber';
  return `${run.selection}, ${run.subscribers} subscriber${run.subscribers === 1 ? '' : 's'}`;
}

function perDelivery(value: number | null): string {
  return value === null ? 'n/a' : ms(value);
}

/** The scenario's tables, as `pnpm bench` prints them. */
export function gatewayReport(result: GatewayResult): string {
  const runRows = result.runs.map((run) => [
    runName(run),
    `${count(run.delivered)}${run.missing > 0 ? ` (${count(run.missing)} missing)` : ''}`,
    count(run.deliveriesPerSecond),
    latencyLine(run.latency),
    `${perDelivery(run.cpuMsPerDelivery)} / ${perDelivery(run.netCpuMsPerDelivery)}`,
    `${count(run.strategyEntityFetches)} (${ms(run.strategyEntityFetches / run.events)}/event)`,
    run.upstreamSubscriptions === null ? 'n/a' : String(run.upstreamSubscriptions),
  ]);
  const baseline = result.baseline;
  const runs = textTable(
    [
      'run',
      'delivered',
      'deliveries/s',
      'latency ms: p50 / p90 / p99 / max',
      'CPU ms/delivery: gross / net',
      'Strategy fetches',
      'upstream subs',
    ],
    [
      [
        runName(baseline),
        '0',
        '0',
        'n/a',
        `${ms(baseline.cpuMs / baseline.events)} per published event`,
        count(baseline.strategyEntityFetches),
        baseline.upstreamSubscriptions === null ? 'n/a' : String(baseline.upstreamSubscriptions),
      ],
      ...runRows,
    ],
  );

  const summary: string[][] = [
    ['setup (platform in-process, PGlite in memory)', `${ms(result.setupMs)} ms`],
    [
      'per run: signals / rate / untimed warm-up per selection',
      `${count(result.events)} / ${count(result.rate)}/s / ${count(result.warmupEvents)}`,
    ],
  ];
  for (const subscribers of new Set(result.runs.map((run) => run.subscribers))) {
    const plain = result.runs.find((run) => run.subscribers === subscribers && run.selection === 'plain');
    const enriched = result.runs.find((run) => run.subscribers === subscribers && run.selection === 'enriched');
    const a = plain?.netCpuMsPerDelivery ?? null;
    const b = enriched?.netCpuMsPerDelivery ?? null;
    if (a === null || b === null) continue;
    summary.push([
      `enriched - plain, ${subscribers} subscriber${subscribers === 1 ? '' : 's'}: net CPU ms/delivery`,
      `${ms(b - a)} (x${(b / a).toFixed(1)})`,
    ]);
  }
  const { subgraphRequest, lookup } = result.entityFetch;
  summary.push(
    [
      "the gateway's _entities request straight to the strategy subgraph: CPU ms/request (both ends)",
      subgraphRequest === null ? 'n/a (no fetch captured)' : ms(subgraphRequest.cpuMsPerOperation),
    ],
    ['  its latency ms: p50 / p90 / p99 / max', latencyLine(subgraphRequest?.latency ?? null)],
    ['getStrategies on PGlite (the subgraph DataLoader batch): CPU ms/lookup', ms(lookup.cpuMsPerOperation)],
    ['  its latency ms: p50 / p90 / p99 / max', latencyLine(lookup.latency)],
  );
  const problems = [
    ...result.warmupErrors.map((error) => `warm-up, ${error}`),
    ...[baseline, ...result.runs].flatMap((run) => run.errors.map((error) => `${runName(run)}: ${error}`)),
  ];
  return [
    runs,
    '',
    textTable(['metric', 'value'], summary),
    ...(problems.length > 0 ? ['', 'problems:', ...problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}
