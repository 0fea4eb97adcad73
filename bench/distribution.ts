import { setTimeout as sleep } from 'node:timers/promises';
import type { Signal } from '@alphintra/core';
import { type LatencySummary, Samples } from './measure.ts';

/** Options of `runDistributionBench`: the real servers, all local. */
export interface DistributionBenchOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
  /** Signals of the sustained run. Default 200,000. */
  readonly signals?: number;
  /** Signals per insert, as the engine stores one candle's signals at once. Default 500. */
  readonly batchSize?: number;
  /** Rate of the latency run, signals/s. Default 1,000. */
  readonly latencyRate?: number;
  /** Length of the latency run. Default 10 s. */
  readonly latencySeconds?: number;
}

/** What `runDistributionBench` measured. */
export interface DistributionBenchResult {
  readonly signals: number;
  readonly batchSize: number;
  /** Stored (PostgreSQL, with their outbox sequence) per second, inserts back to back. */
  readonly storedPerSecond: number;
  /** From the first insert to the last signal counted on the Kafka consumer / the pub/sub subscriber. */
  readonly kafkaPerSecond: number;
  readonly pubsubPerSecond: number;
  /** Distinct signals counted on each: equal to `signals` when nothing was lost. */
  readonly kafkaReceived: number;
  readonly pubsubReceived: number;
  readonly latencyRate: number;
  /** From just before the insert to the receipt by a Kafka consumer / a Redis subscriber, at `latencyRate`. */
  readonly latencyToKafka: LatencySummary | null;
  readonly latencyToPubsub: LatencySummary | null;
}

/**
 * Sustained signal distribution through the platform's own path with every server real and local: synthetic
 * signals stored in batches by `SignalDistributor` (PostgreSQL, `signals.seq` in one serialized transaction), the
 * two outbox relays delivering to Kafka `trading.signals` (the platform's `KafkaEventBus`: idempotent, acks all)
 * and to the Redis pub/sub; counted on a Kafka consumer group and a Redis subscriber. Then the same path at a fixed
 * rate, timing each signal from just before its insert to each reader.
 */
export async function runDistributionBench(options: DistributionBenchOptions): Promise<DistributionBenchResult> {
  const { SIGNALS_CHANNEL } = await import('@alphintra/core');
  const { TOPICS } = await import('@alphintra/bus');
  const { KafkaEventBus } = await import('@alphintra/bus/kafka');
  const { createRedisPubSub } = await import('@alphintra/bus/redis');
  const { createStrategy, openDatabase, runningStrategySpecs } = await import('@alphintra/db');
  const { templateById } = await import('@alphintra/engine');
  const { kafkaChannel, OutboxRelay, pubsubChannel, SignalDistributor, silentLog } = await import(
    '@alphintra/platform'
  );
  const { createTestDatabase, syntheticSignal, uniqueSuffix } = await import('@alphintra/testkit');

  const total = options.signals ?? 200_000;
  const batchSize = options.batchSize ?? 500;
  const latencyRate = options.latencyRate ?? 1_000;
  const latencySeconds = options.latencySeconds ?? 10;
  const suffix = uniqueSuffix();
  const quiet = { warn: () => {}, error: () => {} };

  const created = await createTestDatabase(options.databaseUrl);
  const database = await openDatabase({ url: created.url });
  const template = templateById('ema-crossover');
  if (template === undefined) throw new Error('no ema-crossover template');
  // 50 strategies x 10 symbols: a "candle" of the run is 500 signals, one insert.
  for (let index = 0; index < 50; index++) {
    await createStrategy(database.db, {
      name: `bench ${index}`,
      source: 'NO_CODE',
      symbols: ['BTCUSDT'],
      document: template.document,
      changeNote: 'distribution bench',
      run: { mode: 'LIVE' },
    });
  }
  const strategies = await runningStrategySpecs(database.db);
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

  const bus = new KafkaEventBus({
    brokers: options.kafkaBrokers.split(','),
    clientId: 'bench-distribution',
    topicPrefix: `bench.${suffix}.`,
    partitions: { [TOPICS.signals]: 6 },
    logger: quiet,
  });
  await bus.ensureTopics([{ topic: TOPICS.signals }]);
  const pubsub = createRedisPubSub({ url: options.redisUrl, channelPrefix: `bench-${suffix}:`, logger: quiet });
  const listener = createRedisPubSub({ url: options.redisUrl, channelPrefix: `bench-${suffix}:`, logger: quiet });

  // Receipt of each signal id on each reader; the creation time of the ones being timed.
  const onKafka = new Set<string>();
  const onPubsub = new Set<string>();
  let lastKafka = 0;
  let lastPubsub = 0;
  const createdAt = new Map<string, number>();
  const kafkaSamples = new Samples();
  const pubsubSamples = new Samples();
  const consumer = await bus.consume({
    groupId: `bench-${suffix}`,
    topics: [TOPICS.signals],
    handler: (message) => {
      const now = performance.now();
      const id = message.headers['signal-id'] ?? '';
      onKafka.add(id);
      lastKafka = now;
      const at = createdAt.get(id);
      if (at !== undefined) kafkaSamples.push(now - at);
    },
  });
  await listener.subscribe(
    SIGNALS_CHANNEL,
    (payload: { id: string }) => {
      const now = performance.now();
      onPubsub.add(payload.id);
      lastPubsub = now;
      const at = createdAt.get(payload.id);
      if (at !== undefined) pubsubSamples.push(now - at);
    },
    {},
  );
  // The subscription is live once a probe comes back.
  for (let probe = 0; !onPubsub.has(`probe-${probe - 1}`); probe++) {
    await pubsub.publish(SIGNALS_CHANNEL, { id: `probe-${probe}` });
    await sleep(50);
  }

  const relays = [kafkaChannel(bus), pubsubChannel(pubsub)].map(
    (channel) => new OutboxRelay({ db: database.db, channel, log: silentLog, batchSize: 1_000, pollMs: 100 }),
  );
  for (const relay of relays) await relay.start();
  const distributor = new SignalDistributor({
    db: database.db,
    log: silentLog,
    onStored: () => {
      for (const relay of relays) relay.wake();
    },
  });

  // Sustained: inserts back to back; the relays deliver behind them.
  const batches = Array.from({ length: Math.ceil(total / batchSize) }, () => nextSignals(batchSize));
  const wanted = batches.flat().slice(0, total);
  const start = performance.now();
  let stored = 0;
  for (const batch of batches) stored += (await distributor.distribute(batch)).length;
  const storedMs = performance.now() - start;
  const expected = new Set(wanted.map((signal) => signal.id));
  const has = (seen: Set<string>) => [...expected].every((id) => seen.has(id));
  while (onKafka.size < expected.size || onPubsub.size - 1 < expected.size) {
    if (performance.now() - start > 600_000) break;
    await sleep(20);
  }
  const kafkaReceived = [...expected].filter((id) => onKafka.has(id)).length;
  const pubsubReceived = [...expected].filter((id) => onPubsub.has(id)).length;
  if (!has(onKafka) || !has(onPubsub)) {
    console.warn(`lost signals: kafka ${expected.size - kafkaReceived}, pubsub ${expected.size - pubsubReceived}`);
  }
  const kafkaMs = lastKafka - start;
  const pubsubMs = lastPubsub - start;

  // Fixed rate: a batch every 10 ms (10 signals at 1,000/s), each timed from just before its insert.
  const perTick = Math.max(1, Math.round(latencyRate / 100));
  const ticks = latencySeconds * 100;
  const latencyStart = performance.now();
  const timedIds: string[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const due = latencyStart + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const batch = nextSignals(perTick);
    const now = performance.now();
    for (const signal of batch) {
      createdAt.set(signal.id, now);
      timedIds.push(signal.id);
    }
    await distributor.distribute(batch);
  }
  while (!timedIds.every((id) => onKafka.has(id) && onPubsub.has(id))) {
    if (performance.now() - latencyStart > latencySeconds * 1_000 + 60_000) break;
    await sleep(20);
  }

  const result: DistributionBenchResult = {
    signals: total,
    batchSize,
    storedPerSecond: (stored * 1_000) / storedMs,
    kafkaPerSecond: (kafkaReceived * 1_000) / kafkaMs,
    pubsubPerSecond: (pubsubReceived * 1_000) / pubsubMs,
    kafkaReceived,
    pubsubReceived,
    latencyRate,
    latencyToKafka: kafkaSamples.summary(),
    latencyToPubsub: pubsubSamples.summary(),
  };

  distributor.stop();
  for (const relay of relays) await relay.stop();
  await consumer.close();
  await bus.close();
  await listener.close();
  await pubsub.close();
  await database.close();
  await created.drop();
  return result;
}

// `tsx bench/distribution.ts` runs it against the servers in DATABASE_URL, REDIS_URL and KAFKA_BROKERS.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { databaseUrl, redisUrl, kafkaBrokers } = {
    databaseUrl: process.env['DATABASE_URL'],
    redisUrl: process.env['REDIS_URL'],
    kafkaBrokers: process.env['KAFKA_BROKERS'],
  };
  if (!databaseUrl || !redisUrl || !kafkaBrokers) {
    console.error('set DATABASE_URL, REDIS_URL and KAFKA_BROKERS');
    process.exit(1);
  }
  const signals = Number(process.env['BENCH_SIGNALS'] || 200_000);
  const result = await runDistributionBench({ databaseUrl, redisUrl, kafkaBrokers, signals });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
