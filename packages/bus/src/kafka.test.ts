import { serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KAFKA_PRODUCER_SETTINGS, KafkaEventBus, keyedPartitioner } from './kafka.ts';
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

describe('keyedPartitioner', () => {
  const metadata = (count: number) =>
    Array.from({ length: count }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
    }));

  it('puts a key where the Java client does: murmur2 of its bytes, made positive, modulo the partition count', () => {
    // Apache Kafka's UtilsTest.testMurmur2: the Java client's murmur2 of these keys.
    const javaMurmur2: [string, number][] = [
      ['21', -973_932_308],
      ['foobar', -790_332_482],
      ['a-little-bit-long-string', -985_981_536],
      ['a-little-bit-longer-string', -1_486_304_829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58_897_971],
      ['abc', 479_470_107],
    ];
    const partition = keyedPartitioner();
    for (const count of [1, 3, 6, 7, 12]) {
      for (const [key, hash] of javaMurmur2) {
        // Asked twice: the second answer is the remembered one.
        for (let ask = 0; ask < 2; ask++) {
          const chosen = partition({
            topic: 'trading.signals',
            partitionMetadata: metadata(count),
            message: { key, value: 'v' },
          });
          expect(chosen, `${key} over ${count}`).toBe((hash & 0x7fffffff) % count);
        }
      }
    }
  });

  it("chooses as kafkajs' default partitioner does, keyed or not, with a partition given or not", () => {
    const ours = keyedPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const symbols = Array.from({ length: 300 }, (_, index) => `SYM${index}USDT`);
    for (const count of [1, 2, 6, 10]) {
      for (const key of [...symbols, ...symbols]) {
        const args = { topic: 'trading.signals', partitionMetadata: metadata(count), message: { key, value: 'v' } };
        expect(ours(args)).toBe(theirs(args));
      }
      const given = {
        topic: 't',
        partitionMetadata: metadata(count),
        message: { key: 'BTCUSDT', value: 'v', partition: 0 },
      };
      expect(ours(given)).toBe(0);
      const keyless = ours({ topic: 't', partitionMetadata: metadata(count), message: { value: 'v' } });
      expect(keyless).toBeGreaterThanOrEqual(0);
      expect(keyless).toBeLessThan(count);
    }
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
