import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BusConsumer,
  type BusLogger,
  type BusMessage,
  type BusRecord,
  type ConsumeOptions,
  DEFAULT_PARTITIONS,
  type EventBus,
  type TopicSpec,
} from './types.ts';

/** Options of {@link MemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** Records kept per topic for `fromBeginning` replays (default 10,000); older ones are dropped. */
  readonly retention?: number;
  /** Where failing handlers and dropped records are reported (default: `console`). */
  readonly logger?: BusLogger;
}

const DEFAULT_RETENTION = 10_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/** FNV-1a: a stable hash, so one key always lands on one partition (and keeps its order there). */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/** One partition's retained records; `records[i]` has offset `base + i`. */
class PartitionLog {
  readonly #capacity: number;
  // Trimming in chunks keeps appends amortised O(1) instead of shifting the array on every record.
  readonly #slack: number;
  #base = 0;
  #records: BusMessage[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#slack = Math.max(1, Math.ceil(capacity / 8));
  }

  get start(): number {
    return this.#base;
  }

  get end(): number {
    return this.#base + this.#records.length;
  }

  append(topic: string, partition: number, record: BusRecord): void {
    this.#records.push(
      Object.freeze({
        topic,
        partition,
        offset: String(this.end),
        key: record.key,
        value: record.value,
        headers: Object.freeze({ ...record.headers }),
      }),
    );
    if (this.#records.length > this.#capacity + this.#slack) {
      const dropped = this.#records.length - this.#capacity;
      this.#records = this.#records.slice(dropped);
      this.#base += dropped;
    }
  }

  at(offset: number): BusMessage | undefined {
    return this.#records[offset - this.#base];
  }
}

class Member implements BusConsumer {
  readonly topics: ReadonlySet<string>;
  readonly handler: ConsumeOptions['handler'];
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #leave: (member: Member) => void;

  constructor(options: ConsumeOptions, leave: (member: Member) => void) {
    this.topics = new Set(options.topics);
    this.handler = options.handler;
    this.#leave = leave;
  }

  get closed(): boolean {
    return this.#abort.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  track(call: Promise<unknown>): void {
    this.#inFlight.add(call);
    const untrack = () => this.#inFlight.delete(call);
    call.then(untrack, untrack);
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.#abort.abort();
      this.#leave(this);
    }
    await Promise.allSettled(this.#inFlight);
  }
}

/** A consumer group: its members and, like Kafka's committed offsets, the next offset per partition. */
class Group {
  readonly id: string;
  readonly members: Member[] = [];
  readonly cursors = new Map<string, number[]>();
  /** Partitions (`topic\0partition`) with a running delivery loop: one per partition keeps the order. */
  readonly pumping = new Set<string>();

  constructor(id: string) {
    this.id = id;
  }

  assignee(topic: string, partition: number): Member | undefined {
    const subscribed = this.members.filter((member) => member.topics.has(topic));
    return subscribed[partition % subscribed.length];
  }
}

/**
 * The in-process event bus: Kafka's model (keyed partitions, offsets, consumer groups that share a topic's
 * partitions and each see every record once) without a broker, for the embedded default and tests.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory';
  readonly #retention: number;
  readonly #logger: BusLogger;
  readonly #topics = new Map<string, PartitionLog[]>();
  readonly #groups = new Map<string, Group>();
  #closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    this.#retention = options.retention ?? DEFAULT_RETENTION;
    this.#logger = options.logger ?? console;
    if (!Number.isInteger(this.#retention) || this.#retention < 1) {
      throw new RangeError(`retention must be a positive integer, got ${this.#retention}`);
    }
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.#assertOpen();
    for (const spec of topics) this.#topic(spec.topic, spec.partitions);
  }

  async produce(topic: string, records: readonly BusRecord[]): Promise<void> {
    this.#assertOpen();
    const partitions = this.#topic(topic);
    const touched = new Set<number>();
    for (const record of records) {
      const partition = partitionOf(record.key, partitions.length);
      partitions[partition]?.append(topic, partition, record);
      touched.add(partition);
    }
    for (const group of this.#groups.values()) {
      if (!group.members.some((member) => member.topics.has(topic))) continue;
      for (const partition of touched) this.#kick(group, topic, partition);
    }
  }

  async consume(options: ConsumeOptions): Promise<BusConsumer> {
    this.#assertOpen();
    if (options.topics.length === 0) throw new Error('consume needs at least one topic');
    let group = this.#groups.get(options.groupId);
    if (!group) {
      group = new Group(options.groupId);
      this.#groups.set(options.groupId, group);
    }
    for (const topic of options.topics) {
      const partitions = this.#topic(topic);
      if (!group.cursors.has(topic)) {
        group.cursors.set(
          topic,
          partitions.map((log) => (options.fromBeginning ? log.start : log.end)),
        );
      }
    }
    const joined = group;
    const member = new Member(options, (leaving) => {
      const index = joined.members.indexOf(leaving);
      if (index >= 0) joined.members.splice(index, 1);
      // The partitions of the member that left move to the remaining ones, like a Kafka rebalance.
      this.#kickAll(joined);
    });
    group.members.push(member);
    this.#kickAll(group);
    return member;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const members = [...this.#groups.values()].flatMap((group) => group.members);
    await Promise.all(members.map((member) => member.close()));
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The event bus is closed');
  }

  #topic(topic: string, partitions = DEFAULT_PARTITIONS): PartitionLog[] {
    let logs = this.#topics.get(topic);
    if (!logs) {
      if (!Number.isInteger(partitions) || partitions < 1) {
        throw new RangeError(`partitions of ${topic} must be a positive integer, got ${partitions}`);
      }
      const capacity = Math.ceil(this.#retention / partitions);
      logs = Array.from({ length: partitions }, () => new PartitionLog(capacity));
      this.#topics.set(topic, logs);
    }
    return logs;
  }

  #kickAll(group: Group): void {
    for (const [topic, cursors] of group.cursors) {
      for (let partition = 0; partition < cursors.length; partition++) this.#kick(group, topic, partition);
    }
  }

  #kick(group: Group, topic: string, partition: number): void {
    const key = `${topic}\0${partition}`;
    // A running loop reads the log again after every record, so it will also deliver the new ones.
    if (group.pumping.has(key)) return;
    group.pumping.add(key);
    // Started on a later turn: produce() never runs a handler inside the caller's stack.
    setImmediate(() => void this.#pump(group, topic, partition, key));
  }

  async #pump(group: Group, topic: string, partition: number, key: string): Promise<void> {
    const log = this.#topics.get(topic)?.[partition];
    const cursors = group.cursors.get(topic);
    if (!log || !cursors) {
      group.pumping.delete(key);
      return;
    }
    for (;;) {
      let cursor = cursors[partition] ?? log.end;
      if (cursor < log.start) {
        this.#logger.warn(
          `bus: group ${group.id} fell behind retention on ${topic}[${partition}]: skipping offsets ${cursor}..${log.start - 1}`,
        );
        cursor = log.start;
        cursors[partition] = cursor;
      }
      const member = group.assignee(topic, partition);
      const message = log.at(cursor);
      if (!member || !message) {
        // Cleared in the same turn as the check above, so a record produced later always starts a new loop.
        group.pumping.delete(key);
        return;
      }
      if (await this.#deliver(group, member, message)) cursors[partition] = cursor + 1;
    }
  }

  /** Calls the handler until it succeeds; false when the member closed first (the record goes to another). */
  async #deliver(group: Group, member: Member, message: BusMessage): Promise<boolean> {
    for (let attempt = 0; !member.closed; attempt++) {
      const call = (async () => member.handler(message))();
      member.track(call);
      try {
        await call;
        return true;
      } catch (error) {
        this.#logger.error(
          `bus: handler of group ${group.id} failed on ${message.topic}[${message.partition}]@${message.offset}; retrying`,
          error,
        );
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        await sleep(delay, undefined, { signal: member.signal }).catch(() => {});
      }
    }
    return false;
  }
}
