import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Signal, StrategySpec } from '@alphintra/core';
import { SignJWT } from 'jose';
import { type DistributionFloorResult, runDistributionFloor } from './floor.ts';
import { type MachineCpu, measureMachineCpu } from './machine.ts';
import { type LatencySummary, Samples } from './measure.ts';
import { handOverAtRate, ReadersProcess, wallClock } from './readers-process.ts';

/** Options of `runDistributionBench`: the real servers, all local. */
export interface DistributionBenchOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
  /** Signals of the sustained run. Default 200,000. */
  readonly signals?: number;
  /** Signals per candle, as the engine stores one candle's signals at once. Default 500. */
  readonly batchSize?: number;
  /** Candles being stored at once in the sustained run (the engine's partitions in flight). Default 6. */
  readonly concurrentCandles?: number;
  /** Rate of the latency run, signals/s. Default 1,000. */
  readonly latencyRate?: number;
  /** Length of the latency run. Default 10 s. */
  readonly latencySeconds?: number;
  /** Untimed run at the same rate before it. Default 2 s. */
  readonly warmupSeconds?: number;
}

/** What `runDistributionBench` measured. */
export interface DistributionBenchResult {
  readonly signals: number;
  readonly batchSize: number;
  readonly concurrentCandles: number;
  /** Stored (PostgreSQL, with their outbox sequence) per second. */
  readonly storedPerSecond: number;
  /** Commits the distributor made for them (group commit merges candles stored at once). */
  readonly commits: number;
  /** From the first insert to the last signal counted on the Kafka consumer / the Redis subscriber. */
  readonly kafkaPerSecond: number;
  readonly pubsubPerSecond: number;
  /** Distinct signals counted on each: equal to `signals` when nothing was lost. */
  readonly kafkaReceived: number;
  readonly pubsubReceived: number;
  /**
   * From the first insert until everything is done: delivered to both readers and followed by the outcome service
   * (which shares the process's CPU with the relays, and comes out of it before they finish or after).
   */
  readonly caughtUpPerSecond: number;
  /** User + system CPU of this process (the platform; the readers have their own) per signal, sustained, µs. */
  readonly cpuMicrosPerSignal: number;
  readonly latencyRate: number;
  /**
   * From just before the signal is handed to the distributor to its receipt by each reader, at `latencyRate`, after
   * `warmupSeconds` at that rate.
   */
  readonly latencyToKafka: LatencySummary | null;
  readonly latencyToPubsub: LatencySummary | null;
  /**
   * ... to the distributor's answer, i.e. the commit acknowledged: the part of each reader's latency spent before
   * any relay can deliver the signal.
   */
  readonly latencyToStored: LatencySummary | null;
  /**
   * ... to a GraphQL subscriber through the gateway (graphql-ws, the typed client's `LiveSignals`) of an API process
   * (`PLATFORM_ROLE=api`) beside the platform.
   */
  readonly latencyToGateway: LatencySummary | null;
  /** The same rate through a bare durable insert, produce and publish, with the same clients and readers. */
  readonly floor: DistributionFloorResult;
  /**
   * CPU of the machine during the timed fixed-rate run, by process: this one (the platform), the readers' process,
   * the API process, PostgreSQL, Kafka and Redis (local servers), as cores busy on average. Null without Linux's
   * `/proc`.
   */
  readonly latencyRunCpu: MachineCpu | null;
  /** The same over the sustained run, from the first insert until everything is done (`caughtUpPerSecond`). */
  readonly sustainedRunCpu: MachineCpu | null;
  /** PostgreSQL's data directory, where its server says (null when the bench's role may not read the setting). */
  readonly databaseDirectory: string | null;
}

/**
 * Signal distribution through the platform as it runs (`startPlatform` on PostgreSQL, Redis and Kafka, all local):
 * synthetic signals handed to its `SignalDistributor` (PostgreSQL, `signals.seq` in one serialized transaction),
 * delivered by its outbox relays to Kafka `trading.signals` (idempotent producer, acks all) and the Redis pub/sub;
 * counted on a Kafka consumer group and a Redis subscriber in a process of their own. First at a fixed rate (after an untimed
 * warm-up at that rate), timing each signal from just before its hand-over to each reader and to a GraphQL subscriber
 * through the gateway of an API process (`PLATFORM_ROLE=api`) beside it; then sustained, candles back to back.
 */
export async function runDistributionBench(options: DistributionBenchOptions): Promise<DistributionBenchResult> {
  const { SIGNALS_CHANNEL } = await import('@alphintra/core');
  const { createStrategy, rowsOf, runningStrategySpecs } = await import('@alphintra/db');
  const { templateById } = await import('@alphintra/engine');
  const { loadConfig, silentLog, startPlatform } = await import('@alphintra/platform');
  const { createTestDatabase, startPlatformProcess, syntheticSignal, uniqueSuffix } = await import(
    '@alphintra/testkit'
  );

  const total = options.signals ?? 200_000;
  const batchSize = options.batchSize ?? 500;
  const concurrentCandles = options.concurrentCandles ?? 6;
  const latencyRate = options.latencyRate ?? 1_000;
  const latencySeconds = options.latencySeconds ?? 10;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const suffix = uniqueSuffix();
  const channelPrefix = `bench-${suffix}:`;

  const created = await createTestDatabase(options.databaseUrl);
  const defaults = loadConfig({});
  const platform = await startPlatform(
    {
      ...defaults,
      databaseUrl: created.url,
      dataDir: null,
      redisUrl: options.redisUrl,
      redisChannelPrefix: channelPrefix,
      kafkaBrokers: options.kafkaBrokers.split(','),
      consumerGroupPrefix: `bench-${suffix}`,
      autoStartReplay: false,
      seedDefaultStrategies: false,
      port: 0,
      host: '127.0.0.1',
      subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
      gatewayLogging: false,
    },
    () => silentLog,
  );
  const db = platform.database.db;
  const databaseDirectory = await db
    .execute("select current_setting('data_directory') as directory")
    .then((result) => rowsOf<{ directory: string }>(result)[0]?.directory ?? null)
    .catch(() => null);
  const template = templateById('ema-crossover');
  if (template === undefined) throw new Error('no ema-crossover template');
  // 50 strategies x 10 symbols: a candle of the run is 500 signals.
  for (let index = 0; index < 50; index++) {
    await createStrategy(db, {
      name: `bench ${index}`,
      source: 'NO_CODE',
      symbols: ['BTCUSDT'],
      document: template.document,
      changeNote: 'distribution bench',
      run: { mode: 'LIVE' },
    });
  }
  const strategies = await runningStrategySpecs(db);
  const symbols = Array.from({ length: 10 }, (_, index) => `SYM${index}USDT`);
  let minute = 0;
  const base = Date.UTC(2031, 0, 1);
  const nextSignals = (count: number): Signal[] => {
    const out: Signal[] = [];
    while (out.length < count) {
      const closeTime = base + minute++ * 60_000;
      for (const symbol of symbols) {
        for (const strategy of strategies) out.push(syntheticSignal(strategy, closeTime, symbol));
      }
    }
    return out.slice(0, count);
  };

  // The readers run in a process of their own, as a deployment's consumers do: their decoding is not charged to the
  // platform's process, and the two share the machine's cores the way separate processes do.
  const readers = await ReadersProcess.start({
    KAFKA_BROKERS: options.kafkaBrokers,
    REDIS_URL: options.redisUrl,
    REDIS_CHANNEL_PREFIX: channelPrefix,
    READER_GROUP_ID: `bench-${suffix}-reader`,
  });
  await readers.untilSeen(
    'pubsub',
    (n) => platform.pubsub.publish(SIGNALS_CHANNEL, { id: `probe-${n}` }),
    'the Redis subscriber',
  );
  const distributor = platform.distributor;

  const servers = {
    PostgreSQL: ({ comm }: { comm: string }) => comm === 'postgres',
    Kafka: ({ cmdline }: { cmdline: string }) => cmdline.includes('kafka.Kafka'),
    Redis: ({ comm }: { comm: string }) => comm.startsWith('redis-server'),
  };
  const processes = {
    platform: ({ pid }: { pid: number }) => pid === process.pid,
    readers: ({ pid }: { pid: number }) => pid === readers.pid,
  };

  // The latency run first, on the platform as it started (after its warm-up): a steady 1,000 signals/s. After the
  // sustained run the platform is still digesting it for a while (hundreds of megabytes of garbage for the next
  // old-generation collections, 200,000 open outcomes followed), which is not that steady state.
  //
  // A GraphQL subscriber on the symbol the latency run's signals are on, through the gateway of an API process
  // (`PLATFORM_ROLE=api`) on the platform's database and pub/sub, as a deployment runs it: in production mode
  // (`NODE_ENV=production`, which needs authentication: an admin's HS256 token, who may read every signal), and the
  // GraphQL work is not charged to the process that stores and delivers.
  const latencySymbol = symbols[0] as string;
  const jwtSecret = randomBytes(32).toString('base64url');
  const api = await startPlatformProcess({
    PLATFORM_ROLE: 'api',
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: jwtSecret,
    DATABASE_URL: created.url,
    REDIS_URL: options.redisUrl,
    REDIS_CHANNEL_PREFIX: channelPrefix,
    KAFKA_BROKERS: options.kafkaBrokers,
  });
  const token = await new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-admin')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(jwtSecret));
  await readers.request({ type: 'gateway', url: api.url, symbol: latencySymbol, token });
  // The gateway's subscription is live once a stored signal comes through it.
  await readers.untilSeen(
    'gateway',
    () =>
      distributor.distribute([syntheticSignal(strategies[0] as StrategySpec, base + minute++ * 60_000, latencySymbol)]),
    'the gateway subscription',
  );
  await sleep(200);

  // Fixed rate: a batch every 10 ms (10 signals at 1,000/s), all on one symbol, each timed from just before the
  // distributor gets it. First `warmupSeconds` at the same rate, not timed: the API process has only seen the probes
  // so far, and its first second of events (code paths compiled, buffers grown) is a start-up cost, not a latency.
  const perTick = Math.max(1, Math.round(latencyRate / 100));
  const tickSignals = (): Signal[] => {
    const out: Signal[] = [];
    while (out.length < perTick) {
      const closeTime = base + minute++ * 60_000;
      for (const strategy of strategies) {
        if (out.length < perTick) out.push(syntheticSignal(strategy, closeTime, latencySymbol));
      }
    }
    return out;
  };
  const kafkaSamples = new Samples();
  const pubsubSamples = new Samples();
  const gatewaySamples = new Samples();
  const storedSamples = new Samples();
  const runAtRate = (seconds: number, timed: boolean) =>
    handOverAtRate({
      readers,
      ticks: Array.from({ length: seconds * 100 }, tickSignals),
      handOver: (batch, now) =>
        distributor.distribute(batch).then(() => {
          const at = performance.now();
          if (timed) for (let count = 0; count < batch.length; count++) storedSamples.push(at - now);
        }),
      awaited: ['kafka', 'pubsub', 'gateway'],
      ...(timed ? { samples: { kafka: kafkaSamples, pubsub: pubsubSamples, gateway: gatewaySamples } } : {}),
    });
  await runAtRate(warmupSeconds, false);
  const machine = measureMachineCpu({ ...processes, 'API process': ({ pid }) => pid === api.pid, ...servers });
  await runAtRate(latencySeconds, true);
  const latencyRunCpu = machine();
  // The API process only serves the latency run's subscriber: during the sustained run it would decode every
  // batch of the pub/sub on the same two cores.
  await readers.request({ type: 'stopGateway' });
  await api.stop();

  // The floor at the same rate, with the platform idle beside it: what a bare durable insert, produce and publish
  // cost this machine (`floor.ts`).
  const floor = await runDistributionFloor({
    databaseUrl: created.url,
    redisUrl: options.redisUrl,
    kafkaBrokers: options.kafkaBrokers,
    tick: tickSignals,
    seconds: latencySeconds,
    warmupSeconds,
    suffix,
  });

  // Sustained: candles back to back, as many in flight as the engine evaluates at once (one per partition of the
  // candle topic, each in order); the distributor stores what arrives during a commit in the next one, and the
  // relays deliver behind.
  const batches = Array.from({ length: Math.ceil(total / batchSize) }, () => nextSignals(batchSize));
  await readers.request({ type: 'expect', ids: batches.flat().map((signal) => signal.id) });
  const commitsBefore = distributor.stats.commits;
  const sustainedMachine = measureMachineCpu({ ...processes, ...servers });
  const cpuStart = process.cpuUsage();
  const startWall = wallClock();
  const start = performance.now();
  let stored = 0;
  const inFlight = new Set<Promise<void>>();
  for (const batch of batches) {
    while (inFlight.size >= concurrentCandles) await Promise.race(inFlight);
    const storing: Promise<void> = distributor.distribute(batch).then((fresh) => {
      stored += fresh.length;
      inFlight.delete(storing);
    });
    inFlight.add(storing);
  }
  await Promise.all(inFlight);
  const storedMs = performance.now() - start;
  const commits = distributor.stats.commits - commitsBefore;
  const delivered = await readers.waitFor(
    ({ received }) => received.kafka >= total && received.pubsub >= total,
    600_000,
  );
  // The outcome service follows every stored signal too (it writes an outcome only once one closes): the CPU figure
  // counts that work.
  await platform.outcomes.drain();
  const caughtUpMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const sustainedRunCpu = sustainedMachine();
  const kafkaReceived = delivered.received.kafka;
  const pubsubReceived = delivered.received.pubsub;
  if (kafkaReceived < total || pubsubReceived < total) {
    console.warn(`lost signals: kafka ${total - kafkaReceived}, pubsub ${total - pubsubReceived}`);
  }
  const kafkaMs = delivered.last.kafka - startWall;
  const pubsubMs = delivered.last.pubsub - startWall;

  const result: DistributionBenchResult = {
    signals: total,
    batchSize,
    concurrentCandles,
    storedPerSecond: (stored * 1_000) / storedMs,
    commits,
    kafkaPerSecond: (kafkaReceived * 1_000) / kafkaMs,
    pubsubPerSecond: (pubsubReceived * 1_000) / pubsubMs,
    caughtUpPerSecond: (total * 1_000) / caughtUpMs,
    kafkaReceived,
    pubsubReceived,
    cpuMicrosPerSignal: (cpu.user + cpu.system) / total,
    latencyRate,
    latencyToKafka: kafkaSamples.summary(),
    latencyToPubsub: pubsubSamples.summary(),
    latencyToGateway: gatewaySamples.summary(),
    latencyToStored: storedSamples.summary(),
    floor,
    latencyRunCpu,
    sustainedRunCpu,
    databaseDirectory,
  };

  await readers.close();
  await platform.close();
  await created.drop();
  return result;
}

// `tsx bench/distribution.ts [signals]` runs it against the servers in DATABASE_URL, REDIS_URL and KAFKA_BROKERS.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { databaseUrl, redisUrl, kafkaBrokers } = {
    databaseUrl: process.env['DATABASE_URL'],
    redisUrl: process.env['REDIS_URL'],
    kafkaBrokers: process.env['KAFKA_BROKERS'],
  };
  if (!databaseUrl || !redisUrl || !kafkaBrokers) {
    console.error('set DATABASE_URL, REDIS_URL and KAFKA_BROKERS');
    process.exit(1);
  }
  const signals = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await runDistributionBench({
    databaseUrl,
    redisUrl,
    kafkaBrokers,
    ...(signals === undefined ? {} : { signals }),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
