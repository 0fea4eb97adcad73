import type { ConnectionOptions } from 'node:tls';
import {
  type Admin,
  type Consumer,
  type ICustomPartitioner,
  type IHeaders,
  type IMemberAssignment,
  Kafka,
  type LogEntry,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import {
  type BusConsumer,
  type BusLogger,
  type BusMessage,
  type BusRecord,
  type ConsumeOptions,
  type ConsumerLag,
  DEFAULT_PARTITIONS,
  type EventBus,
  type TopicSpec,
} from './types.ts';

/** Options of {@link KafkaEventBus}. */
export interface KafkaEventBusOptions {
  /** `host:port` of one or more brokers (the rest of the cluster is discovered from them). */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Put before every topic name on the broker; consumed messages report the name without it. */
  readonly topicPrefix?: string;
  /** Where broker outages, restarts and failing handlers are reported (default: `console`). */
  readonly logger?: BusLogger;
  /**
   * Partitions of the topics this bus creates, by topic name (without the prefix), where a `TopicSpec` gives
   * none: e.g. `{ 'trading.signals': 6 }`. Whoever creates a topic first (a producer, a consumer, the platform at
   * start) creates it with the same count. An existing topic keeps the count it has: adding partitions would move
   * keys to other partitions and break their order.
   */
  readonly partitions?: Readonly<Record<string, number>>;
  /** TLS to the brokers: `true` trusts the system's CAs (and `NODE_EXTRA_CA_CERTS`); an object adds e.g. `ca`. */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication; over TLS unless the listener is `SASL_PLAINTEXT`. */
  readonly sasl?: KafkaSasl;
}

/** SASL credentials of a Kafka client (managed clusters: Confluent Cloud, MSK, Aiven, Redpanda, ...). */
export interface KafkaSasl {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/**
 * The producer's settings. Idempotent (KIP-98): the broker drops a batch it already has when a send is retried
 * after a lost acknowledgement, which needs acks from all in-sync replicas (`acks: -1`, set on every send), one
 * request in flight per connection (kafkajs does not reorder or renumber retried batches, so with more the
 * sequence numbers could arrive out of order) and unlimited retries (kafkajs' default for an idempotent producer,
 * so during an outage a send waits for the broker instead of failing). Batching is by send: every `produce` call
 * is one request per broker, carrying all its records grouped by partition.
 */
export const KAFKA_PRODUCER_SETTINGS = { idempotent: true, maxInFlightRequests: 1, acks: -1 } as const;

/** Keys whose partition a {@link keyedPartitioner} remembers, per partition count, before it forgets them all. */
const REMEMBERED_KEYS = 10_000;

/**
 * kafkajs' default partitioner (the Java client's: murmur2 of the key, modulo the partition count), remembering the
 * partition of each key: the same choice, without hashing the key and copying the topic's partition list for every
 * message. Keys are symbols, few and repeated; a message with a partition, or without a string key, goes to the
 * default partitioner.
 */
export const keyedPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const known = new Map<number, Map<string, number>>();
  return (args) => {
    const { partitionMetadata, message } = args;
    if (message.partition !== undefined || typeof message.key !== 'string') return fallback(args);
    const count = partitionMetadata.length;
    let partitions = known.get(count);
    if (partitions === undefined) {
      partitions = new Map();
      known.set(count, partitions);
    }
    let partition = partitions.get(message.key);
    if (partition === undefined) {
      partition = fallback(args);
      if (partitions.size >= REMEMBERED_KEYS) partitions.clear();
      partitions.set(message.key, partition);
    }
    return partition;
  };
};

// Long-poll wait of a fetch, and the pause of a fetch loop whose partitions are all paused; kafkajs' 5 s
// default would hold a new consumer's first records back that long after it starts.
const MAX_WAIT_MS = 1_000;
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // Kafka allows a header name more than once; like a map lookup, the last one wins.
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) decoded[name] = last.toString();
  }
  return decoded;
}

function toMessage(record: BusRecord): Message {
  return record.headers ? { key: record.key, value: record.value, headers: { ...record.headers } } : record;
}

/** What a group consumer needs from its bus. */
interface ConsumerContext {
  readonly kafka: Kafka;
  readonly logger: BusLogger;
  readonly prefix: string;
  admin(): Promise<Admin>;
  ensure(topics: readonly TopicSpec[]): Promise<void>;
  closed(consumer: KafkaGroupConsumer): void;
}

/**
 * One consumer-group member. It outlives the kafkajs consumer inside it: when kafkajs gives up on a crash
 * (a non-retriable error, a broker gone for longer than its retries), a fresh consumer replaces it.
 */
class KafkaGroupConsumer implements BusConsumer {
  readonly #context: ConsumerContext;
  readonly #options: ConsumeOptions;
  readonly #ready: Promise<void>;
  #resolveReady: () => void = () => {};
  #rejectReady: (error: Error) => void = () => {};
  #consumer: Consumer | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closing: Promise<void> | undefined;

  constructor(context: ConsumerContext, options: ConsumeOptions) {
    this.#context = context;
    this.#options = options;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
  }

  /** The group and topics this member consumes. */
  get options(): ConsumeOptions {
    return this.#options;
  }

  /** Resolves once the group has been joined and the start offsets are fixed. */
  start(): Promise<void> {
    void this.#launch();
    return this.#ready;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    clearTimeout(this.#restartTimer);
    this.#rejectReady(new Error(`consumer of group ${this.#options.groupId} was closed before it was ready`));
    try {
      // Waits for the handler call in flight, then leaves the group so its partitions move on at once.
      await this.#consumer?.disconnect();
    } catch (error) {
      this.#context.logger.warn(`kafka consumer ${this.#options.groupId}: disconnect failed`, error);
    }
    this.#context.closed(this);
  }

  async #launch(): Promise<void> {
    if (this.#closing) return;
    const { kafka, prefix, logger } = this.#context;
    const { groupId, handler } = this.#options;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: MAX_WAIT_MS });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.#joined(consumer, event.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs restarts by itself after retriable failures; the rest would leave the group dead.
      if (event.payload.restart || this.#closing) return;
      logger.error(`kafka consumer ${groupId} crashed; starting a new one`, event.payload.error);
      this.#relaunch(consumer);
    });
    try {
      await this.#context.ensure(this.#options.topics.map((topic) => ({ topic })));
      await consumer.connect();
      await consumer.subscribe({
        topics: this.#options.topics.map((topic) => prefix + topic),
        fromBeginning: this.#options.fromBeginning ?? false,
      });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const busMessage: BusMessage = {
            topic: topic.startsWith(prefix) ? topic.slice(prefix.length) : topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers: decodeHeaders(message.headers),
          };
          try {
            await handler(busMessage);
          } catch (error) {
            // Rethrown: kafkajs fetches the record again after a back-off (at-least-once).
            logger.error(
              `kafka consumer ${groupId}: handler failed on ${topic}[${partition}]@${message.offset}`,
              error,
            );
            throw error;
          }
        },
      });
    } catch (error) {
      if (this.#closing) return;
      logger.error(`kafka consumer ${groupId}: could not start; retrying`, error);
      this.#relaunch(consumer);
    }
  }

  #relaunch(failed: Consumer): void {
    if (this.#closing || this.#consumer !== failed || this.#restartTimer) return;
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** this.#failures);
    this.#failures++;
    this.#restartTimer = setTimeout(async () => {
      this.#restartTimer = undefined;
      await failed.disconnect().catch(() => {});
      await this.#launch();
    }, delay);
  }

  #joined(consumer: Consumer, assignment: IMemberAssignment): void {
    this.#failures = 0;
    const topics = Object.keys(assignment).filter((topic) => (assignment[topic]?.length ?? 0) > 0);
    if (this.#options.fromBeginning || topics.length === 0) {
      this.#resolveReady();
      return;
    }
    // kafkajs resolves a new group's start offset ("latest") on its first fetch, after this event: a record
    // produced in between would be skipped. So the partitions stay paused (this listener runs inside the
    // event, before that fetch) until they are pinned to the end offsets read now; then `consume` resolves.
    const paused = topics.map((topic) => ({ topic }));
    consumer.pause(paused);
    void this.#pinStartOffsets(consumer, assignment, topics).finally(() => {
      try {
        consumer.resume(paused);
      } catch {
        // This consumer crashed meanwhile; its replacement joins afresh.
      }
      this.#resolveReady();
    });
  }

  async #pinStartOffsets(consumer: Consumer, assignment: IMemberAssignment, topics: string[]): Promise<void> {
    const { groupId } = this.#options;
    try {
      const admin = await this.#context.admin();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        const mine = new Set(assignment[topic]);
        const unset = partitions.filter((entry) => mine.has(entry.partition) && Number(entry.offset) < 0);
        if (unset.length === 0) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        for (const { partition } of unset) {
          const end = ends.find((entry) => entry.partition === partition);
          if (end) consumer.seek({ topic, partition, offset: end.high });
        }
      }
    } catch (error) {
      this.#context.logger.warn(`kafka consumer ${groupId}: could not pin start offsets, using "latest"`, error);
    }
  }
}

/**
 * The event bus on Apache Kafka (kafkajs): an idempotent producer with acks from all in-sync replicas,
 * consumer groups, topics created through the admin client. Connections are opened on first use. A broker
 * outage never crashes the process: it is logged, sends wait for the broker to return, and consumers rejoin.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka';
  readonly #kafka: Kafka;
  readonly #prefix: string;
  readonly #logger: BusLogger;
  readonly #partitions: Readonly<Record<string, number>>;
  readonly #consumers = new Set<KafkaGroupConsumer>();
  /** Broker-side topic names known to exist. */
  readonly #ensured = new Set<string>();
  #ensuring: Promise<void> = Promise.resolve();
  #producer: Promise<Producer> | undefined;
  #admin: Promise<Admin> | undefined;
  #closed = false;

  constructor(options: KafkaEventBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventBus needs at least one broker');
    this.#prefix = options.topicPrefix ?? '';
    this.#logger = options.logger ?? console;
    this.#partitions = { ...options.partitions };
    for (const [topic, count] of Object.entries(this.#partitions)) {
      if (!Number.isInteger(count) || count < 1) throw new Error(`partitions of ${topic} must be an integer >= 1`);
    }
    this.#kafka = new Kafka({
      clientId: options.clientId ?? 'alphintra',
      brokers: [...options.brokers],
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: { ...options.sasl } as SASLOptions }),
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.#log(entry),
    });
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.#assertOpen();
    if (topics.every((spec) => this.#ensured.has(this.#prefix + spec.topic))) return;
    // One at a time: two consumers starting together would otherwise both try to create the same topic.
    const run = this.#ensuring.then(() => this.#createMissing(topics));
    this.#ensuring = run.catch(() => {});
    await run;
  }

  async #createMissing(topics: readonly TopicSpec[]): Promise<void> {
    const wanted = new Map<string, TopicSpec>();
    for (const spec of topics) {
      const name = this.#prefix + spec.topic;
      if (!this.#ensured.has(name) && !wanted.has(name)) wanted.set(name, spec);
    }
    if (wanted.size === 0) return;
    const admin = await this.#connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted].filter(([name]) => !existing.has(name));
    if (missing.length > 0) {
      // Resolves false instead of failing when another client created a topic first.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([name, spec]) => ({
          topic: name,
          numPartitions: spec.partitions ?? this.#partitions[spec.topic] ?? DEFAULT_PARTITIONS,
        })),
      });
    }
    for (const name of wanted.keys()) this.#ensured.add(name);
  }

  async produce(topic: string, records: readonly BusRecord[]): Promise<void> {
    this.#assertOpen();
    if (records.length === 0) return;
    // Created here rather than by the broker, which may have auto-creation off or another partition count.
    await this.ensureTopics([{ topic }]);
    const producer = await this.#connectedProducer();
    await producer.send({
      topic: this.#prefix + topic,
      acks: KAFKA_PRODUCER_SETTINGS.acks,
      messages: records.map(toMessage),
    });
  }

  async consume(options: ConsumeOptions): Promise<BusConsumer> {
    this.#assertOpen();
    if (options.topics.length === 0) throw new Error('consume needs at least one topic');
    const consumer = new KafkaGroupConsumer(
      {
        kafka: this.#kafka,
        logger: this.#logger,
        prefix: this.#prefix,
        admin: () => this.#connectedAdmin(),
        ensure: (topics) => this.ensureTopics(topics),
        closed: (closed) => this.#consumers.delete(closed),
      },
      options,
    );
    this.#consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await (await this.#connectedAdmin()).fetchTopicMetadata({ topics: [] });
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    this.#assertOpen();
    const admin = await this.#connectedAdmin();
    const lags: ConsumerLag[] = [];
    const seen = new Set<string>();
    for (const consumer of this.#consumers) {
      const { groupId, topics } = consumer.options;
      // Members of one group in this process share its offsets: reported once.
      const key = `${groupId}\u0000${topics.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const { topic, partitions } of await admin.fetchOffsets({
        groupId,
        topics: topics.map((t) => this.#prefix + t),
      })) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((end) => [end.partition, Number(end.high)]));
        // A partition without a committed offset has nothing pending for the group yet (it starts at the end).
        const lag = partitions.reduce((sum, { partition, offset }) => {
          const committed = Number(offset);
          return committed < 0 ? sum : sum + Math.max(0, (ends.get(partition) ?? committed) - committed);
        }, 0);
        lags.push({ groupId, topic: topic.slice(this.#prefix.length), lag });
      }
    }
    return lags;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#consumers].map((consumer) => consumer.close()));
    const clients = await Promise.allSettled([this.#producer, this.#admin]);
    this.#producer = undefined;
    this.#admin = undefined;
    await Promise.all(
      clients.map(async (client) => {
        if (client.status === 'fulfilled') await client.value?.disconnect().catch(() => {});
      }),
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The event bus is closed');
  }

  #connectedProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({
        idempotent: KAFKA_PRODUCER_SETTINGS.idempotent,
        maxInFlightRequests: KAFKA_PRODUCER_SETTINGS.maxInFlightRequests,
        createPartitioner: keyedPartitioner,
      });
      const connecting = producer.connect().then(() => producer);
      this.#producer = connecting;
      // A failed connect is forgotten, so the next send tries again.
      connecting.catch(() => {
        if (this.#producer === connecting) this.#producer = undefined;
        void producer.disconnect().catch(() => {});
      });
    }
    return this.#producer;
  }

  #connectedAdmin(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.#kafka.admin();
      const connecting = admin.connect().then(() => admin);
      this.#admin = connecting;
      connecting.catch(() => {
        if (this.#admin === connecting) this.#admin = undefined;
        void admin.disconnect().catch(() => {});
      });
    }
    return this.#admin;
  }

  #log(entry: LogEntry): void {
    const { message, timestamp: _timestamp, ...details } = entry.log;
    const text = `kafkajs ${entry.namespace}: ${message}`;
    if (entry.level <= logLevel.ERROR) this.#logger.error(text, details);
    else this.#logger.warn(text, details);
  }
}
