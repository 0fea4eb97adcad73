import { type EventBus, TOPICS } from '@alphintra/bus';
import { SIGNAL_SCHEMA_VERSION, SIGNALS_CHANNEL, type Signal, toStandardSignal } from '@alphintra/core';
import { type Db, insertSignals } from '@alphintra/db';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { Log } from './log.ts';
import { retryForever, SerialQueue } from './retry.ts';

/**
 * Distributes signals: stores them in Postgres (the record), then publishes the new ones to the subscription
 * pub/sub and to Kafka `trading.signals` in the standard format. A signal already stored (a replay, a
 * redelivered candle) is a duplicate and is not published again. Each step is retried until it succeeds, so a
 * database or broker outage delays signals but loses none. The pub/sub has a queue of its own: a Redis outage
 * delays subscribers, never Kafka or the engine.
 */
export class SignalDistributor {
  readonly #db: Db;
  readonly #pubsub: PubSubEngine;
  readonly #bus: EventBus;
  readonly #log: Log;
  readonly #pubsubQueue = new SerialQueue();
  #stopped = false;
  #published = 0;
  #shadow = 0;
  #duplicates = 0;

  constructor(options: { db: Db; pubsub: PubSubEngine; bus: EventBus; log: Log }) {
    this.#db = options.db;
    this.#pubsub = options.pubsub;
    this.#bus = options.bus;
    this.#log = options.log;
  }

  get stats() {
    return { published: this.#published, duplicates: this.#duplicates, shadow: this.#shadow };
  }

  async distribute(signals: readonly Signal[]): Promise<Signal[]> {
    if (signals.length === 0) return [];
    const report = (message: string, error: unknown) => this.#log.warn(message, error);
    const stopped = () => this.#stopped;
    const stored = await retryForever('storing signals', () => insertSignals(this.#db, signals), report, stopped);
    this.#duplicates += signals.length - stored.length;
    // A shadow version's signals are the record only: never sent to subscribers or Kafka.
    const fresh = stored.filter((signal) => !signal.shadow);
    this.#shadow += stored.length - fresh.length;
    if (fresh.length === 0) return stored;
    this.#pubsubQueue.push(async () => {
      for (const signal of fresh) {
        await retryForever('publishing a signal', () => this.#pubsub.publish(SIGNALS_CHANNEL, signal), report, stopped);
      }
    });
    const records = fresh.map((signal) => ({
      key: signal.symbol,
      value: JSON.stringify(toStandardSignal(signal)),
      headers: { 'schema-version': SIGNAL_SCHEMA_VERSION },
    }));
    await retryForever(
      `producing to ${TOPICS.signals}`,
      () => this.#bus.produce(TOPICS.signals, records),
      report,
      stopped,
    );
    this.#published += fresh.length;
    return stored;
  }

  /** Resolves when every signal distributed so far has been handed to the pub/sub. */
  drain(): Promise<void> {
    return this.#pubsubQueue.drain();
  }

  stop(): void {
    this.#stopped = true;
  }
}
