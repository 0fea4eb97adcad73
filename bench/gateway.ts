import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveSignalsSubscription, LiveSignalsWithStrategyDetailsSubscription } from '@alphintra/client';
import type { Signal, StrategySpec } from '@alphintra/core';
import type { AuthConfig, Platform, PlatformConfig } from '@alphintra/platform';
import { strategyEntityFetches, syntheticSignal } from '@alphintra/testkit';
import { type LatencySummary, Samples } from './measure.ts';
import { attempt, count, latencyLine, ms, textTable } from './report.ts';

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
  /** The timed operations, first start to last end. */
  readonly elapsedMs: number;
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
  /** Authentication on vs off (both with the limits), and the limits on vs off, for a subscription and a query. */
  readonly authCost: AuthCostResult | { readonly error: string };
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
// Operations the bench's platforms allow one identity per window: the closed loop must never be throttled.
const BENCH_RATE_LIMIT = 1_000_000;
/** The issue's target: authentication and limits cost at most 10 % more CPU per operation. */
const AUTH_COST_MAX_RATIO = 1.1;
const AUTH_COST_ROUNDS = 3;
// Requests of one platform before the next takes its turn, in the auth-cost query loop.
const AUTH_COST_QUERY_BLOCK = 20;
// How long the idle process is watched before each timed query loop.
const IDLE_MS = 1_000;
const AUTH_COST_METHOD =
  'four platforms in this process: three on the default limits with the rate limit raised to ' +
  `${BENCH_RATE_LIMIT} per window, one in development mode (auth off), one with HS256 tokens (auth on, an ` +
  'admin token on HTTP and graphql-ws), a second in development mode (the control: the same as off, so its ' +
  'ratio to off is the noise floor), and a fourth in development mode without any limit (limits off); CPU is ' +
  'process.cpuUsage() of the whole process over the timed operations; subscription rounds go off, on, control, ' +
  'bare, bare, control, on, off, ... and the query loop takes turns in blocks of ' +
  `${AUTH_COST_QUERY_BLOCK} requests in the same order, ` +
  'so that drift and the machine’s other work weigh on all alike; net = less a run without subscriber on the ' +
  'same platform (subscription) or less the idle process over the loop (query, idle CPU watched for 1 s before)';
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
  const loopStart = performance.now();
  for (let i = 0; i < CLOSED_LOOP_OPERATIONS; i++) {
    const start = performance.now();
    await operation();
    samples.push(performance.now() - start);
  }
  return {
    operations: CLOSED_LOOP_OPERATIONS,
    cpuMsPerOperation: cpuMsSince(cpuStart) / CLOSED_LOOP_OPERATIONS,
    elapsedMs: performance.now() - loopStart,
    latency: samples.summary(),
  };
}

/** A platform started for the bench, and what a run needs of it. */
export interface BenchPlatform {
  readonly platform: Platform;
  /** The active strategy on `SYMBOL` whose signals are published. */
  readonly strategy: StrategySpec;
  readonly source: SignalSource;
  /** What the bench's clients send as `Authorization: Bearer`; undefined in development mode. */
  readonly token: string | undefined;
  /** Subscriptions on the signal subgraph's pub/sub channel (the gateway's upstream ones). */
  upstream(): number | null;
  publish(signal: Signal): Promise<void>;
}

/** The bench's limits: the defaults, with a rate limit a closed loop of requests never reaches; or none. */
function benchLimits(defaults: PlatformConfig, limits: 'default' | 'off'): NonNullable<PlatformConfig['limits']> {
  if (limits === 'off') return false;
  const settings = defaults.limits;
  if (settings === undefined || settings === false) throw new Error('loadConfig gave no limits');
  return { ...settings, rateLimitMax: BENCH_RATE_LIMIT };
}

/** Authentication with HS256 tokens: a fresh secret each run, the default role claim. */
function hs256Auth(): AuthConfig {
  return {
    jwtSecret: randomBytes(32).toString('base64url'),
    roleClaim: 'roles',
    internalSecret: randomBytes(32).toString('base64url'),
  };
}

/** An HS256 token of an admin, signed with `auth`'s secret, valid for an hour. */
async function adminToken(auth: AuthConfig): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT({ [auth.roleClaim]: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-admin')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(auth.jwtSecret));
}

/**
 * The platform on embedded defaults in this process (PGlite in memory, in-memory pub/sub and bus, free ports),
 * with the bench's limits (or none); in development mode when `auth` is null.
 */
async function startBenchPlatform(
  auth: AuthConfig | null,
  plugins: PlatformConfig['gatewayPlugins'] = [],
  limits: 'default' | 'off' = 'default',
) {
  const { runningStrategySpecs } = await import('@alphintra/db');
  const { loadConfig, silentLog, startPlatform } = await import('@alphintra/platform');
  const { SIGNALS_CHANNEL } = await import('@alphintra/core');
  const defaults = loadConfig({});
  const platform: Platform = await startPlatform(
    {
      ...defaults,
      databaseUrl: undefined,
      dataDir: null,
      redisUrl: undefined,
      kafkaBrokers: [],
      autoStartReplay: false,
      port: 0,
      host: '127.0.0.1',
      subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
      gatewayPlugins: plugins,
      gatewayLogging: false,
      limits: benchLimits(defaults, limits),
      auth,
    },
    () => silentLog,
  );
  try {
    const strategy = (await runningStrategySpecs(platform.database.db)).find((s) => s.symbols.includes(SYMBOL));
    if (strategy === undefined) throw new Error(`no active strategy on ${SYMBOL} to publish signals of`);
    // graphql-subscriptions' PubSub keeps one listener per subscription on its EventEmitter; not public API,
    // so the count is best effort (null with another engine).
    const emitter = (platform.pubsub as unknown as { ee?: EventEmitter }).ee;
    const bench: BenchPlatform = {
      platform,
      strategy,
      source: new SignalSource(strategy),
      token: auth === null ? undefined : await adminToken(auth),
      upstream: () => emitter?.listenerCount(SIGNALS_CHANNEL) ?? null,
      publish: (signal) => platform.pubsub.publish(SIGNALS_CHANNEL, signal),
    };
    return bench;
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** A client of `bench`'s gateway, with its token when authentication is on. */
async function benchClient(bench: BenchPlatform) {
  const { AlphintraClient } = await import('@alphintra/client');
  return new AlphintraClient({
    url: bench.platform.gateway.url,
    ...(bench.token === undefined ? {} : { token: bench.token }),
  });
}

/** Publishes `signals` at `rate` (all at once when infinite), stamping each just before it goes out. */
async function publishPaced(
  bench: BenchPlatform,
  signals: readonly Signal[],
  rate: number,
  window: Window,
): Promise<number> {
  const spacing = 1_000 / rate;
  const start = performance.now();
  for (let i = 0; i < signals.length; i++) {
    const signal = signals[i] as Signal;
    // Timers fire late rather than early: a late one is caught up by publishing the overdue signals at once.
    const wait = start + i * spacing - performance.now();
    if (wait >= 1) await sleep(wait);
    window.published.set(signal.id, performance.now());
    await bench.publish(signal);
  }
  return performance.now() - start;
}

/** `count` live subscribers of `bench` on `selection` while `signals` are published; they are closed after. */
async function measureRun(
  bench: BenchPlatform,
  selection: Selection | 'baseline',
  count: number,
  signals: readonly Signal[],
  rate: number,
  drainTimeoutMs: number,
): Promise<Omit<GatewayRun, 'netCpuMsPerDelivery' | 'strategyEntityFetches'>> {
  const { LiveSignalsDocument, LiveSignalsWithStrategyDetailsDocument } = await import('@alphintra/client');
  const { strategy, upstream } = bench;
  const errors: string[] = [];
  const window = new Window();
  const subscribers: Subscriber[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const client = await benchClient(bench);
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
      await bench.publish(bench.source.next());
      await sleep(PROBE_EVERY_MS);
    }
    if (count > 0) await sleep(PROBE_SETTLE_MS);

    const expected = signals.length * count;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const publishMs = await publishPaced(bench, signals, rate, window);
    const upstreamSubscriptions = upstream();
    // Bounded: a path that falls behind is reported with what is missing, not waited for indefinitely.
    const complete = await window.until(expected, drainTimeoutMs);
    const elapsedMs = performance.now() - start;
    const cpuMs = cpuMsSince(cpuStart);
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
}

/** One mode's CPU for one operation, over all the rounds. */
export interface AuthCostSide {
  readonly operations: number;
  /** Whole-process CPU over the timed operations, divided by them. */
  readonly cpuMsPerOperation: number;
  /**
   * Less what the process spends without the operation: for a subscription, a run without subscriber on the same
   * platform per published event; for a query, the idle process's CPU per ms times the loop's duration.
   */
  readonly netCpuMsPerOperation: number;
  /** Each round's CPU ms per operation, to judge the noise by. */
  readonly rounds: readonly number[];
}

/**
 * What a case turns on: authentication (limits on both sides), the limits (no auth), both at once, or nothing (the
 * control: two identical platforms, whose ratio shows the measurement's noise).
 */
export type AuthCostComparison = 'auth' | 'limits' | 'auth and limits' | 'control';

/** One operation with something off and on. */
export interface AuthCostCase {
  readonly comparison: AuthCostComparison;
  readonly operation: string;
  readonly off: AuthCostSide;
  readonly on: AuthCostSide;
  /** `on` / `off` CPU per operation. */
  readonly ratio: number;
  /** The same of the net figures. */
  readonly netRatio: number;
  /** `ratio` within the target (which is set on the `auth` comparison; the others are reported against it). */
  readonly pass: boolean;
}

/** What authentication costs per operation at the gateway. */
export interface AuthCostResult {
  readonly method: string;
  /** Largest `on` / `off` ratio the target allows. */
  readonly maxRatio: number;
  /** The bench's `rateLimitMax`, the default raised so that the closed loop is never throttled. */
  readonly rateLimitMax: number;
  /** Rounds per platform, in the order off, on, control, bare, bare, control, on, off, ... (drift weighs alike). */
  readonly rounds: number;
  /** Each operation, per comparison: auth on vs off (the target), limits on vs off, both, and the control. */
  readonly cases: readonly AuthCostCase[];
  /** Problems of the subscription runs (missing deliveries, subscription errors). */
  readonly errors: readonly string[];
}

/** CPU and operations of one timed round. */
interface Round {
  readonly cpuMs: number;
  readonly operations: number;
  /** What the process spent without the operation over the same events or time (see `netCpuMsPerOperation`). */
  readonly baselineCpuMs: number;
}

/** CPU per wall ms of the process while it waits: the platforms' timers, pollers and connections. */
async function idleCpuRate(): Promise<number> {
  const start = process.cpuUsage();
  const startedAt = performance.now();
  await sleep(IDLE_MS);
  return cpuMsSince(start) / (performance.now() - startedAt);
}

function authCostSide(rounds: readonly Round[]): AuthCostSide {
  const sum = (of: (round: Round) => number) => rounds.reduce((total, round) => total + of(round), 0);
  const operations = sum((r) => r.operations);
  const cpuMs = sum((r) => r.cpuMs);
  return {
    operations,
    cpuMsPerOperation: cpuMs / operations,
    netCpuMsPerOperation: (cpuMs - sum((r) => r.baselineCpuMs)) / operations,
    rounds: rounds.map((r) => r.cpuMs / r.operations),
  };
}

function authCostCase(
  comparison: AuthCostComparison,
  operation: string,
  off: readonly Round[],
  on: readonly Round[],
): AuthCostCase {
  const a = authCostSide(off);
  const b = authCostSide(on);
  const ratio = b.cpuMsPerOperation / a.cpuMsPerOperation;
  return {
    comparison,
    operation,
    off: a,
    on: b,
    ratio,
    netRatio: b.netCpuMsPerOperation / a.netCpuMsPerOperation,
    pass: ratio <= AUTH_COST_MAX_RATIO,
  };
}

/** One subscriber on the plain selection while `events` signals go out, and a run without one for the net. */
async function subscriptionRound(
  bench: BenchPlatform,
  events: number,
  rate: number,
): Promise<Round & { readonly errors: readonly string[] }> {
  const drainTimeoutMs = Math.max(DRAIN_TIMEOUT_MS, (events * 1_000) / rate);
  const baseline = await measureRun(bench, 'baseline', 0, bench.source.take(events), rate, drainTimeoutMs);
  const run = await measureRun(bench, 'plain', 1, bench.source.take(events), rate, drainTimeoutMs);
  return {
    cpuMs: run.cpuMs,
    operations: run.delivered,
    baselineCpuMs: (baseline.cpuMs / baseline.events) * run.events,
    errors: [...baseline.errors, ...run.errors],
  };
}

/**
 * `strategies(first: 20)` through each platform's gateway in a closed loop, in blocks of `AUTH_COST_QUERY_BLOCK`
 * requests that take turns between the platforms (in the order given, then backwards, ...), so that the machine's other
 * work weighs on all alike; the blocks are summed into `AUTH_COST_ROUNDS` rounds per platform. The idle process is
 * watched once before, for the net.
 */
async function queryRounds(benches: readonly BenchPlatform[]): Promise<Map<BenchPlatform, Round[]>> {
  const { StrategiesDocument } = await import('@alphintra/client');
  const clients = await Promise.all(benches.map(async (bench) => [bench, await benchClient(bench)] as const));
  try {
    const request = async (client: (typeof clients)[number][1]) => {
      const { strategies } = await client.request(StrategiesDocument, { first: 20 });
      if (strategies.edges.length === 0) throw new Error('strategies(first: 20) answered none');
    };
    for (const [, client] of clients) for (let i = 0; i < CLOSED_LOOP_WARMUP; i++) await request(client);
    const idleCpuMsPerMs = await idleCpuRate();
    const rounds = new Map(benches.map((bench) => [bench, [] as Round[]]));
    const blocksPerRound = Math.ceil(CLOSED_LOOP_OPERATIONS / AUTH_COST_QUERY_BLOCK);
    for (let round = 0; round < AUTH_COST_ROUNDS; round++) {
      const totals = new Map(benches.map((bench) => [bench, { cpuMs: 0, operations: 0, elapsedMs: 0 }]));
      for (let block = 0; block < blocksPerRound; block++) {
        const turn = (round * blocksPerRound + block) % 2 === 0 ? clients : [...clients].reverse();
        for (const [bench, client] of turn) {
          const cpuStart = process.cpuUsage();
          const start = performance.now();
          for (let i = 0; i < AUTH_COST_QUERY_BLOCK; i++) await request(client);
          const total = totals.get(bench) as { cpuMs: number; operations: number; elapsedMs: number };
          total.cpuMs += cpuMsSince(cpuStart);
          total.elapsedMs += performance.now() - start;
          total.operations += AUTH_COST_QUERY_BLOCK;
        }
      }
      for (const [bench, total] of totals) {
        rounds.get(bench)?.push({
          cpuMs: total.cpuMs,
          operations: total.operations,
          baselineCpuMs: idleCpuMsPerMs * total.elapsedMs,
        });
      }
    }
    return rounds;
  } finally {
    for (const [, client] of clients) await client.close();
  }
}

/**
 * CPU per operation of the plain-selection `LiveSignals` subscription (one subscriber) and of `strategies(first:
 * 20)` through the gateway, on `off` (development mode), `on` (HS256 tokens of an admin), both with the default
 * limits except the rate limit, `control` (the same as `off`) and `bare` (development mode, no limits).
 * Subscription rounds go off, on, control, bare, bare, control, on, off, ...; the query loop takes turns in short
 * blocks (`queryRounds`), so that drift weighs on all alike.
 */
async function measureAuthCost(
  platforms: { off: BenchPlatform; on: BenchPlatform; control: BenchPlatform; bare: BenchPlatform },
  options: Pick<GatewayOptions, 'events' | 'rate'>,
): Promise<AuthCostResult> {
  const { off, on, control, bare } = platforms;
  const errors: string[] = [];
  const all = [off, on, control, bare];
  const names = ['auth off', 'auth on', 'control', 'limits off'];
  const name = (bench: BenchPlatform) => names[all.indexOf(bench)] as string;
  for (const bench of all) {
    const source = bench.source.take(WARMUP_EVENTS);
    const warmup = await measureRun(bench, 'plain', 1, source, Number.POSITIVE_INFINITY, WARMUP_TIMEOUT_MS);
    errors.push(...warmup.errors.map((error) => `${name(bench)}, warm-up: ${error}`));
  }
  const events = Math.max(1, Math.ceil(options.events / AUTH_COST_ROUNDS));
  const rounds = { subscription: new Map<BenchPlatform, Round[]>(), query: new Map<BenchPlatform, Round[]>() };
  const order = Array.from({ length: AUTH_COST_ROUNDS }, (_, i) => (i % 2 === 0 ? all : [...all].reverse()));
  for (const bench of order.flat()) {
    const subscription = await subscriptionRound(bench, events, options.rate);
    errors.push(...subscription.errors.map((error) => `${name(bench)}: ${error}`));
    rounds.subscription.set(bench, [...(rounds.subscription.get(bench) ?? []), subscription]);
  }
  rounds.query = await queryRounds(all);
  const SUBSCRIPTION = 'LiveSignals subscription, plain selection, 1 subscriber: per delivery';
  const QUERY = 'strategies(first: 20) query, closed loop: per request';
  const pairs: [AuthCostComparison, BenchPlatform, BenchPlatform][] = [
    ['auth', off, on],
    ['limits', bare, off],
    ['auth and limits', bare, on],
    ['control', off, control],
  ];
  return {
    method: AUTH_COST_METHOD,
    maxRatio: AUTH_COST_MAX_RATIO,
    rateLimitMax: BENCH_RATE_LIMIT,
    rounds: AUTH_COST_ROUNDS,
    cases: pairs.flatMap(([comparison, a, b]) => [
      authCostCase(comparison, SUBSCRIPTION, rounds.subscription.get(a) ?? [], rounds.subscription.get(b) ?? []),
      authCostCase(comparison, QUERY, rounds.query.get(a) ?? [], rounds.query.get(b) ?? []),
    ]),
    errors,
  };
}

/**
 * What authentication and the limits cost through the gateway (`measureAuthCost`), on platforms of its own
 * beside `off` (development mode with the bench's limits) when given, else on four new ones.
 */
export async function runAuthCost(
  options: Pick<GatewayOptions, 'events' | 'rate'>,
  off?: BenchPlatform,
): Promise<AuthCostResult> {
  const started: BenchPlatform[] = [];
  const start = async (auth: AuthConfig | null, limits: 'default' | 'off') => {
    // The same plugins as the platform they are compared with, so that only authentication or limits differ.
    const bench = await startBenchPlatform(auth, [strategyEntityFetches().plugin], limits);
    started.push(bench);
    return bench;
  };
  try {
    const development = off ?? (await start(null, 'default'));
    const authenticated = await start(hs256Auth(), 'default');
    const control = await start(null, 'default');
    const bare = await start(null, 'off');
    return await measureAuthCost({ off: development, on: authenticated, control, bare }, options);
  } finally {
    for (const bench of started) await bench.platform.close();
  }
}

/**
 * The gateway's subscription path on embedded defaults, in this process: signals published on the platform's
 * in-memory pub/sub -> signal subgraph (graphql-ws) -> Hive Gateway (graphql-ws) -> `AlphintraClient`s on
 * loopback. For each subscriber count, the `plain` selection (strategy id, name, version: carried by the signal)
 * and the `enriched` one (strategy type, status, symbols: an entity fetch from the strategy subgraph), at a fixed
 * publication rate, after an untimed warm-up and a baseline run without subscribers. Then a second platform with
 * authentication beside it, for what authentication costs per operation (`measureAuthCost`). Both platforms have
 * the default limits with the rate limit raised, so that no run is throttled.
 */
export async function runGateway(options: GatewayOptions): Promise<GatewayResult> {
  // Imported here so that the other scenarios run without the gateway's modules (or their start-up) loaded.
  const { getStrategies } = await import('@alphintra/db');
  const fetches = strategyEntityFetches();
  const setupStart = performance.now();
  const bench = await startBenchPlatform(null, [fetches.plugin]);
  const setupMs = performance.now() - setupStart;
  const { platform, strategy, source } = bench;

  try {
    /** `count` live subscribers on `selection` while `signals` are published, counting entity fetches. */
    const run = async (
      selection: Selection | 'baseline',
      count: number,
      signals: readonly Signal[],
      rate: number,
      drainTimeoutMs: number,
    ): Promise<Omit<GatewayRun, 'netCpuMsPerDelivery'>> => {
      const fetchesBefore = fetches.count;
      const measured = await measureRun(bench, selection, count, signals, rate, drainTimeoutMs);
      return { ...measured, strategyEntityFetches: fetches.count - fetchesBefore };
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
    const authCost = await attempt(() => runAuthCost(options, bench));

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
      authCost,
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

function ratio(value: number): string {
  return `x${value.toFixed(3)}`;
}

/** The auth-cost table: CPU per operation off and on, the ratio against the target. */
export function authCostReport(result: AuthCostResult | { readonly error: string }): string {
  const title =
    'Auth and limits cost: authentication on vs off (the default limits on both), the limits on vs off (no auth ' +
    'on either), both on vs both off, and a control (two identical platforms: the noise floor)';
  if ('error' in result) return `${title}\nnot measured: ${result.error}`;
  const side = (s: AuthCostSide) =>
    `${ms(s.cpuMsPerOperation)} / ${ms(s.netCpuMsPerOperation)} ` +
    `(rounds ${s.rounds.map(ms).join(', ')}; n=${count(s.operations)})`;
  const rows = result.cases.map((c) => [
    c.comparison,
    c.operation,
    side(c.off),
    side(c.on),
    `${ratio(c.ratio)} / ${ratio(c.netRatio)}`,
    `<= x${result.maxRatio.toFixed(2)}: ${c.pass ? 'PASS' : 'FAIL'}${c.comparison === 'auth' ? '' : ' (reported)'}`,
  ]);
  return [
    `${title} (rate limit raised to ${count(result.rateLimitMax)} per window; ${result.rounds} rounds per mode)`,
    textTable(
      [
        'on vs off',
        'operation',
        'CPU ms/op off: gross / net',
        'CPU ms/op on: gross / net',
        'on/off: gross / net',
        'target',
      ],
      rows,
    ),
    ...result.errors.map((error) => `- problem: ${error}`),
  ].join('\n');
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
    '',
    authCostReport(result.authCost),
    ...(problems.length > 0 ? ['', 'problems:', ...problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}
