import type { Signal } from '@alphintra/core';
import postgres from 'postgres';
import { type LatencySummary, Samples } from './measure.ts';
import { handOverAtRate, ReadersProcess } from './readers-process.ts';

/** Options of {@link runDistributionFloor}. */
export interface DistributionFloorOptions {
  /** A database of the bench's own: the floor makes a table in it. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: string;
  /** A fresh batch of signals to hand over at each tick (10 ms apart). */
  readonly tick: () => Signal[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Makes names (topic and channel prefixes, consumer group) this run's own. */
  readonly suffix: string;
}

/** What {@link runDistributionFloor} measured: hand-over -> each point, ms. */
export interface DistributionFloorResult {
  readonly toCommitted: LatencySummary | null;
  readonly toKafka: LatencySummary | null;
  readonly toPubsub: LatencySummary | null;
}

/**
 * The least a durable outbox can do on this machine, for comparison with the platform at the same rate: each
 * tick's signals are inserted into a table (a uuid key and the JSON, one statement, committed durably), then
 * produced to Kafka and published to Redis at once, with the platform's own clients, settings and channels
 * (`kafkaChannel`, `pubsubChannel`: the same records, headers and messages), and received by the same readers in
 * a process of their own. No sequence, lock, group commit, outbox reader, relay, cursor, outcome or webhook:
 * whatever the platform adds to these figures is its own.
 */
export async function runDistributionFloor(options: DistributionFloorOptions): Promise<DistributionFloorResult> {
  const { TOPICS } = await import('@alphintra/bus');
  const { KafkaEventBus } = await import('@alphintra/bus/kafka');
  const { createRedisPubSub } = await import('@alphintra/bus/redis');
  const { DEFAULT_SIGNALS_PARTITIONS, kafkaChannel, pubsubChannel } = await import('@alphintra/platform');
  const { SIGNALS_CHANNEL, toStandardSignal } = await import('@alphintra/core');

  const quiet = { warn: () => {}, error: () => {} };
  const topicPrefix = `bench-floor-${options.suffix}.`;
  const channelPrefix = `bench-floor-${options.suffix}:`;
  const sql = postgres(options.databaseUrl, { max: 10, onnotice: () => {} });
  await sql`create table floor_signals (id uuid primary key, body jsonb not null)`;
  const bus = new KafkaEventBus({
    brokers: options.kafkaBrokers.split(','),
    clientId: 'bench-floor',
    logger: quiet,
    topicPrefix,
    partitions: { [TOPICS.signals]: DEFAULT_SIGNALS_PARTITIONS },
  });
  await bus.ensureTopics([{ topic: TOPICS.signals }]);
  const pubsub = createRedisPubSub({ url: options.redisUrl, channelPrefix, logger: quiet });
  const kafka = kafkaChannel(bus);
  const redis = pubsubChannel(pubsub);
  const readers = await ReadersProcess.start({
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    REDIS_URL: options.redisUrl,
    REDIS_CHANNEL_PREFIX: channelPrefix,
    READER_GROUP_ID: `bench-floor-${options.suffix}`,
  });
  let seq = 0;
  const committed = new Samples();
  const toKafka = new Samples();
  const toPubsub = new Samples();
  const run = (seconds: number, timed: boolean) =>
    handOverAtRate({
      readers,
      ticks: Array.from({ length: seconds * 100 }, options.tick),
      handOver: async (batch, now) => {
        const rows = batch.map((signal) => ({ id: signal.id, body: toStandardSignal(signal) }));
        const stored = batch.map((signal) => ({ ...signal, seq: ++seq }));
        await sql`insert into floor_signals select * from json_populate_recordset(null::floor_signals, ${JSON.stringify(rows)}::text::json)`;
        if (timed) for (let count = 0; count < batch.length; count++) committed.push(performance.now() - now);
        await Promise.all([kafka.deliver(stored), redis.deliver(stored)]);
      },
      awaited: ['kafka', 'pubsub'],
      ...(timed ? { samples: { kafka: toKafka, pubsub: toPubsub } } : {}),
    });
  await readers.untilSeen(
    'pubsub',
    (n) => pubsub.publish(SIGNALS_CHANNEL, { id: `probe-${n}` }),
    'the Redis subscriber',
  );
  try {
    await run(options.warmupSeconds, false);
    await run(options.seconds, true);
  } finally {
    await readers.close();
    await bus.close();
    await pubsub.close();
    await sql.end({ timeout: 5 });
  }
  return { toCommitted: committed.summary(), toKafka: toKafka.summary(), toPubsub: toPubsub.summary() };
}
