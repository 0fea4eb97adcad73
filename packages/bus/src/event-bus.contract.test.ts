import { readFileSync } from 'node:fs';
import { ownKafkaBroker, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaEventBus, type KafkaSasl } from './kafka.ts';
import { MemoryEventBus } from './memory.ts';
import type { BusConsumer, BusMessage, BusRecord, EventBus } from './types.ts';

const brokers = serviceUrl('KAFKA_BROKERS');

/** Records what a handler was given; `received(n)` resolves once n messages have arrived. */
function collector() {
  const messages: BusMessage[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  return {
    messages,
    handler: (message: BusMessage) => {
      messages.push(message);
      for (const waiter of waiting.filter((entry) => messages.length >= entry.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    received: (count: number) =>
      new Promise<void>((resolve) => {
        if (messages.length >= count) resolve();
        else waiting.push({ count, resolve });
      }),
  };
}

const values = (messages: readonly BusMessage[]) => messages.map((message) => message.value);
const records = (key: string, ...items: string[]): BusRecord[] => items.map((value) => ({ key, value }));

function eventBusContract(
  name: string,
  createBus: (() => EventBus | Promise<EventBus>) | undefined,
  cleanUp?: () => Promise<void>,
) {
  describe.skipIf(!createBus)(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    const consumers: BusConsumer[] = [];
    const topic = () => `contract.${uniqueSuffix()}`;
    const group = () => `group-${uniqueSuffix()}`;

    beforeAll(async () => {
      bus = (await createBus?.()) as EventBus;
    });

    afterAll(async () => {
      await Promise.all(consumers.map((consumer) => consumer.close()));
      await bus.close();
      await cleanUp?.();
    });

    async function consume(topics: string[], fromBeginning = false) {
      const collected = collector();
      const consumer = await bus.consume({ groupId: group(), topics, fromBeginning, handler: collected.handler });
      consumers.push(consumer);
      return { ...collected, consumer };
    }

    it('delivers records produced after consume resolves, in the order of their key', async () => {
      const t = topic();
      const sink = await consume([t]);
      await bus.produce(t, records('BTCUSDT', 'a', 'b', 'c'));
      await bus.produce(t, records('BTCUSDT', 'd', 'e'));
      await sink.received(5);

      expect(values(sink.messages)).toEqual(['a', 'b', 'c', 'd', 'e']);
      const [first] = sink.messages;
      expect(first).toMatchObject({ topic: t, key: 'BTCUSDT', headers: {} });
      expect(new Set(sink.messages.map((message) => message.partition)).size).toBe(1);
      const offsets = sink.messages.map((message) => BigInt(message.offset));
      expect(offsets).toEqual(offsets.map((_, index) => (offsets[0] ?? 0n) + BigInt(index)));
    });

    it('gives every consumer group every record', async () => {
      const t = topic();
      const [first, second] = await Promise.all([consume([t]), consume([t])]);
      const produced = ['ETHUSDT', 'BTCUSDT', 'SOLUSDT'].flatMap((key) => records(key, `${key}-1`, `${key}-2`));
      await bus.produce(t, produced);
      await Promise.all([first.received(6), second.received(6)]);

      const expected = produced.map((record) => record.value).sort();
      expect(values(first.messages).sort()).toEqual(expected);
      expect(values(second.messages).sort()).toEqual(expected);
    });

    it('round-trips headers as strings', async () => {
      const t = topic();
      const sink = await consume([t]);
      await bus.produce(t, [
        { key: 'BTCUSDT', value: '{"n":1}', headers: { 'schema-version': '1', 'content-type': 'application/json' } },
        { key: 'BTCUSDT', value: '{"n":2}' },
      ]);
      await sink.received(2);

      expect(sink.messages.map((message) => message.headers)).toEqual([
        { 'schema-version': '1', 'content-type': 'application/json' },
        {},
      ]);
    });

    it('replays retained records to a new group with fromBeginning; a group without it starts at the end', async () => {
      const t = topic();
      await bus.ensureTopics([{ topic: t, partitions: 1 }]);
      await bus.produce(t, records('BTCUSDT', 'old-1', 'old-2', 'old-3'));
      const [replaying, latest] = await Promise.all([consume([t], true), consume([t])]);
      await bus.produce(t, records('BTCUSDT', 'new'));
      await Promise.all([replaying.received(4), latest.received(1)]);

      expect(values(replaying.messages)).toEqual(['old-1', 'old-2', 'old-3', 'new']);
      expect(values(latest.messages)).toEqual(['new']);
    });

    it('keeps the order of each key across partitions', async () => {
      const t = topic();
      await bus.ensureTopics([{ topic: t, partitions: 3 }]);
      const sink = await consume([t]);
      const keys = Array.from({ length: 12 }, (_, index) => `SYM${index}USDT`);
      // Interleaved: each produce call carries one record of every key.
      for (let sequence = 0; sequence < 8; sequence++) {
        await bus.produce(
          t,
          keys.map((key) => ({ key, value: String(sequence) })),
        );
      }
      await sink.received(keys.length * 8);

      const partitionsUsed = new Set<number>();
      for (const key of keys) {
        const ofKey = sink.messages.filter((message) => message.key === key);
        expect(values(ofKey)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
        const partitions = new Set(ofKey.map((message) => message.partition));
        expect(partitions.size).toBe(1);
        for (const partition of partitions) partitionsUsed.add(partition);
      }
      expect(partitionsUsed.size).toBeGreaterThan(1);
    });

    it('stops delivering to a consumer once it is closed', async () => {
      const t = topic();
      const [closing, staying] = await Promise.all([consume([t]), consume([t])]);
      await bus.produce(t, records('BTCUSDT', 'before'));
      await Promise.all([closing.received(1), staying.received(1)]);

      await closing.consumer.close();
      await bus.produce(t, records('BTCUSDT', 'after'));
      // The other group getting the record proves it was delivered; the closed consumer must not have it.
      await staying.received(2);

      expect(values(staying.messages)).toEqual(['before', 'after']);
      expect(values(closing.messages)).toEqual(['before']);
    });
  });
}

eventBusContract('memory', () => new MemoryEventBus());
const kafkaPrefix = `test.${uniqueSuffix()}.`;
eventBusContract(
  'kafka',
  brokers
    ? () => new KafkaEventBus({ brokers: brokers.split(','), clientId: 'bus-contract-test', topicPrefix: kafkaPrefix })
    : undefined,
  async () => {
    // The broker is shared and outlives the run: remove this run's topics from it.
    const admin = new Kafka({ brokers: brokers?.split(',') ?? [], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(kafkaPrefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  },
);

/**
 * A broker of this file's own whose client listener requires SASL (SASL_PLAINTEXT: PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512), started with `scripts/kafka.sh` where a Kafka broker is expected (`KAFKA_BROKERS`), as managed
 * clusters require; the contract runs over SCRAM-SHA-512.
 */
const saslUser = { username: 'alphintra', password: `secret-${uniqueSuffix()}` };
const saslBroker = brokers ? ownKafkaBroker({ port: 19_192, sasl: saslUser }) : undefined;
let saslStarted: Promise<void> | undefined;
const startSaslBroker = () => {
  saslStarted ??= (saslBroker as NonNullable<typeof saslBroker>).start();
  return saslStarted;
};
const saslBus = (sasl: KafkaSasl) =>
  new KafkaEventBus({
    brokers: [saslBroker?.brokers ?? ''],
    clientId: 'bus-sasl-test',
    sasl,
    logger: { warn: () => {}, error: () => {} },
  });

eventBusContract(
  'kafka over SASL/SCRAM-SHA-512',
  saslBroker
    ? async () => {
        await startSaslBroker();
        return saslBus({ mechanism: 'scram-sha-512', ...saslUser });
      }
    : undefined,
);

describe.skipIf(!saslBroker)('Kafka SASL mechanisms', () => {
  beforeAll(startSaslBroker);
  afterAll(() => saslBroker?.stop());

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('carries records with %s', async (mechanism) => {
    const bus = saslBus({ mechanism, ...saslUser });
    try {
      const topic = `sasl.${mechanism}.${uniqueSuffix()}`;
      const sink = collector();
      await bus.consume({ groupId: `group-${uniqueSuffix()}`, topics: [topic], handler: sink.handler });
      await bus.produce(topic, records('BTCUSDT', mechanism));
      await sink.received(1);
      expect(values(sink.messages)).toEqual([mechanism]);
    } finally {
      await bus.close();
    }
  });

  it('refuses a wrong password', async () => {
    const bus = saslBus({ mechanism: 'scram-sha-256', username: saslUser.username, password: 'wrong' });
    try {
      await expect(bus.ensureTopics([{ topic: `sasl.refused.${uniqueSuffix()}` }])).rejects.toThrow(
        /authentication failed/i,
      );
    } finally {
      await bus.close();
    }
  });
});

/**
 * A broker of this file's own whose client listener speaks only TLS with SASL (SASL_SSL), its certificate for
 * 127.0.0.1 signed by a CA made at its start, as managed clusters with a private CA are. The contract runs over
 * SCRAM-SHA-512 with the CA read from its PEM file, as `KAFKA_SSL_CA` is.
 */
const tlsBroker = brokers ? ownKafkaBroker({ port: 19_196, sasl: saslUser, tls: true }) : undefined;
let tlsStarted: Promise<void> | undefined;
const startTlsBroker = () => {
  tlsStarted ??= (tlsBroker as NonNullable<typeof tlsBroker>).start();
  return tlsStarted;
};
const tlsBus = (ssl: boolean | { ca: string }, sasl: KafkaSasl = { mechanism: 'scram-sha-512', ...saslUser }) =>
  new KafkaEventBus({
    brokers: [tlsBroker?.brokers ?? ''],
    clientId: 'bus-tls-test',
    ssl,
    sasl,
    logger: { warn: () => {}, error: () => {} },
  });
const caOfTlsBroker = () => ({ ca: readFileSync(tlsBroker?.caFile as string, 'utf8') });

eventBusContract(
  'kafka over SASL_SSL (TLS with a private CA, SCRAM-SHA-512)',
  tlsBroker
    ? async () => {
        await startTlsBroker();
        return tlsBus(caOfTlsBroker());
      }
    : undefined,
);

describe.skipIf(!tlsBroker)('Kafka over SASL_SSL', () => {
  beforeAll(startTlsBroker);
  afterAll(() => tlsBroker?.stop());

  it('carries records with PLAIN and SCRAM-SHA-256 too', async () => {
    for (const mechanism of ['plain', 'scram-sha-256'] as const) {
      const bus = tlsBus(caOfTlsBroker(), { mechanism, ...saslUser });
      try {
        const topic = `tls.${mechanism}.${uniqueSuffix()}`;
        const sink = collector();
        await bus.consume({ groupId: `group-${uniqueSuffix()}`, topics: [topic], handler: sink.handler });
        await bus.produce(topic, records('BTCUSDT', mechanism));
        await sink.received(1);
        expect(values(sink.messages)).toEqual([mechanism]);
      } finally {
        await bus.close();
      }
    }
  });

  it('refuses a client that does not trust the CA, and one that does not speak TLS', async () => {
    // Each is refused only after kafkajs' retries (about 10 s): both at once.
    const cases = [
      { ssl: true, error: /self-signed certificate in certificate chain/ },
      { ssl: false, error: /closed connection/i },
    ];
    await Promise.all(
      cases.map(async ({ ssl, error }) => {
        const bus = tlsBus(ssl);
        try {
          await expect(bus.ensureTopics([{ topic: `tls.refused.${uniqueSuffix()}` }]), `ssl: ${ssl}`).rejects.toThrow(
            error,
          );
        } finally {
          await bus.close();
        }
      }),
    );
  });
});
