import { serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KAFKA_PRODUCER_SETTINGS, KafkaEventBus } from './kafka.ts';
import { DEFAULT_PARTITIONS } from './types.ts';

const brokers = serviceUrl('KAFKA_BROKERS')?.split(',');

describe('KafkaEventBus producer settings', () => {
  it('is idempotent with acks from all in-sync replicas and one request in flight', () => {
    expect(KAFKA_PRODUCER_SETTINGS).toEqual({ idempotent: true, maxInFlightRequests: 1, acks: -1 });
  });

  it('refuses a partition count below one', () => {
    expect(() => new KafkaEventBus({ brokers: ['127.0.0.1:1'], partitions: { 'trading.signals': 0 } })).toThrow(
      /integer >= 1/,
    );
  });
});

describe.skipIf(!brokers)('KafkaEventBus topic partitions (real broker)', () => {
  const prefix = `test.${uniqueSuffix()}.`;
  const admin = new Kafka({ brokers: brokers ?? [], logLevel: logLevel.NOTHING }).admin();
  const bus = new KafkaEventBus({
    brokers: brokers ?? [],
    clientId: 'bus-partitions-test',
    topicPrefix: prefix,
    partitions: { 'trading.signals': 6 },
    logger: { warn: () => {}, error: () => {} },
  });

  afterAll(async () => {
    await bus.close();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  async function partitionsOf(topic: string): Promise<number> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [prefix + topic] });
    return topics[0]?.partitions.length ?? 0;
  }

  it('creates a topic with its configured count whoever creates it first; other topics keep the default', async () => {
    await admin.connect();
    // Created by a produce (not by ensureTopics with an explicit count).
    await bus.produce('trading.signals', [{ key: 'BTCUSDT', value: '{}' }]);
    await bus.produce('market.candles', [{ key: 'BTCUSDT', value: '{}' }]);
    // An explicit count in a TopicSpec still wins.
    await bus.ensureTopics([{ topic: 'strategy.events', partitions: 2 }]);

    expect(await partitionsOf('trading.signals')).toBe(6);
    expect(await partitionsOf('market.candles')).toBe(DEFAULT_PARTITIONS);
    expect(await partitionsOf('strategy.events')).toBe(2);
  });

  it('leaves an existing topic with the count it has', async () => {
    const other = new KafkaEventBus({
      brokers: brokers ?? [],
      clientId: 'bus-partitions-test',
      topicPrefix: prefix,
      partitions: { 'trading.signals': 9 },
      logger: { warn: () => {}, error: () => {} },
    });
    try {
      await other.ensureTopics([{ topic: 'trading.signals' }]);
      await other.produce('trading.signals', [{ key: 'ETHUSDT', value: '{}' }]);
    } finally {
      await other.close();
    }
    expect(await partitionsOf('trading.signals')).toBe(6);
  });
});
