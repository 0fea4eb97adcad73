import type { Signal } from '@alphintra/core';
import { type Db, insertSignals } from '@alphintra/db';
import type { Log } from './log.ts';
import { retryForever } from './retry.ts';

/**
 * Distributes signals by storing them: each signal is written once, with its place in the outbox, in one
 * transaction (`insertSignals`); the outbox relays deliver it from there to every channel (pub/sub, Kafka,
 * webhooks), each on its own. A signal already stored (a replay, a redelivered candle) is a duplicate. Storing is
 * retried until it succeeds, so a database outage delays signals but loses none; a crash after the commit loses
 * nothing either, since delivery starts from the record. Shadow signals are stored like the others and never
 * delivered (the relays skip them).
 */
export class SignalDistributor {
  readonly #db: Db;
  readonly #log: Log;
  readonly #onStored: () => void;
  #stopped = false;
  #stored = 0;
  #duplicates = 0;
  #shadow = 0;

  constructor(options: { db: Db; log: Log; onStored?: () => void }) {
    this.#db = options.db;
    this.#log = options.log;
    this.#onStored = options.onStored ?? (() => {});
  }

  get stats() {
    return { stored: this.#stored, duplicates: this.#duplicates, shadow: this.#shadow };
  }

  /** Stores the signals (with their outbox entries) and wakes the relays; resolves with the new ones. */
  async distribute(signals: readonly Signal[]): Promise<Signal[]> {
    if (signals.length === 0) return [];
    const stored = await retryForever(
      'storing signals',
      () => insertSignals(this.#db, signals),
      (message, error) => this.#log.warn(message, error),
      () => this.#stopped,
    );
    this.#duplicates += signals.length - stored.length;
    for (const signal of stored) {
      if (signal.shadow) this.#shadow++;
      else this.#stored++;
    }
    if (stored.length > 0) this.#onStored();
    return stored;
  }

  stop(): void {
    this.#stopped = true;
  }
}
