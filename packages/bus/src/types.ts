// Topic names are shared by services and subgraphs, so they live in core; re-exported for bus users.
export { TOPICS, type TopicName } from '@alphintra/core';

/** Partitions a topic gets when it is created without an explicit count, on every adapter. */
export const DEFAULT_PARTITIONS = 3;

/** One record to produce. The key picks the partition, so records with one key keep their order. */
export interface BusRecord {
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One consumed record with its position in the topic. */
export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's offset as a decimal string (a 64-bit integer on the wire). */
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A topic to create when missing; `partitions` defaults to {@link DEFAULT_PARTITIONS}. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
}

/** What a consumer group reads and the handler it calls, one record at a time per partition. */
export interface ConsumeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Start a new group at the oldest retained record instead of the next one produced. */
  readonly fromBeginning?: boolean;
  /**
   * Called in offset order per partition. A handler that throws gets the same record again after a back-off
   * (at-least-once delivery), so handlers must treat a redelivered record as a duplicate.
   */
  readonly handler: (message: BusMessage) => Promise<void> | void;
}

/** A running consumer; `close` resolves once its in-flight handler call has finished. */
export interface BusConsumer {
  close(): Promise<void>;
}

/** A Kafka-shaped event bus: keyed topics split into partitions, consumer groups, offsets. */
export interface EventBus {
  readonly kind: 'memory' | 'kafka';
  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Appends the records; resolves once the bus has stored them (Kafka: acknowledged by all in-sync replicas). */
  produce(topic: string, records: readonly BusRecord[]): Promise<void>;
  /** Resolves once the consumer is subscribed and will see every record produced after that. */
  consume(options: ConsumeOptions): Promise<BusConsumer>;
  /** Closes every consumer and connection of this bus. */
  close(): Promise<void>;
  /** Resolves when the bus answers (Kafka: a metadata request); absent when it is in-process. */
  ping?(): Promise<void>;
  /** Records not yet processed by each consumer group of this bus, per topic (Kafka). */
  consumerLag?(): Promise<readonly ConsumerLag[]>;
}

/** How far a consumer group is behind the end of one topic: the sum over its partitions. */
export interface ConsumerLag {
  readonly groupId: string;
  readonly topic: string;
  readonly lag: number;
}

/** Where adapters report problems they recover from on their own (a broker outage, a failing handler). */
export interface BusLogger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}
