import type { Signal } from '@alphintra/core';
import { type Db, type StoredBatch, type StoredSignal, storeSignals } from '@alphintra/db';
import type { Log } from './log.ts';
import { retryForever } from './retry.ts';

/** Options of {@link SignalDistributor}. */
export interface SignalDistributorOptions {
  readonly db: Db;
  readonly log: Log;
  /** Called as each insert starts; each is followed by one `onStored` once committed (none if given up on stop). */
  readonly onStoring?: () => void;
  /**
   * Called after each commit, in commit order, with what it stored (no signals when every one was stored already):
   * the relays look at the outbox now (and a reader in this process may keep the batch rather than read it back).
   */
  readonly onStored?: (batch: StoredBatch) => void;
  /** Most signals per insert when calls are coalesced (a single larger call is never split). Default 5,000. */
  readonly maxBatch?: number;
}

interface Pending {
  readonly signals: readonly Signal[];
  readonly resolve: (stored: StoredSignal[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Distributes signals by storing them: each signal is written once, with its place in the outbox, in one
 * transaction (`insertSignals`); the outbox relays deliver it from there to every channel (pub/sub, Kafka,
 * webhooks), each on its own. A signal already stored (a replay, a redelivered candle) is a duplicate. Storing is
 * retried until it succeeds, so a database outage delays signals but loses none; a crash after the commit loses
 * nothing either, since delivery starts from the record. Shadow signals are stored like the others and never
 * delivered (the relays skip them).
 *
 * Group commit: calls made while an insert is in flight wait and go together in the next one, in call order, so
 * under load each commit (serialized by the outbox lock) carries more signals instead of queueing more commits.
 */
export class SignalDistributor {
  readonly #db: Db;
  readonly #log: Log;
  readonly #onStoring: () => void;
  readonly #onStored: (batch: StoredBatch) => void;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #flushing = false;
  #stopped = false;
  #stored = 0;
  #duplicates = 0;
  #shadow = 0;
  #commits = 0;

  constructor(options: SignalDistributorOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#onStoring = options.onStoring ?? (() => {});
    this.#onStored = options.onStored ?? (() => {});
    this.#maxBatch = options.maxBatch ?? 5_000;
  }

  get stats() {
    return { stored: this.#stored, duplicates: this.#duplicates, shadow: this.#shadow, commits: this.#commits };
  }

  /** Stores the signals (with their outbox entries) and wakes the relays; resolves with the new ones. */
  distribute(signals: readonly Signal[]): Promise<StoredSignal[]> {
    if (signals.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ signals, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  stop(): void {
    this.#stopped = true;
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const group = this.#take();
      const batch = group.flatMap((pending) => pending.signals);
      let stored: StoredBatch;
      this.#onStoring();
      try {
        stored = await retryForever(
          'storing signals',
          () => storeSignals(this.#db, batch),
          (message, error) => this.#log.warn(message, error),
          () => this.#stopped,
        );
      } catch (error) {
        for (const pending of group) pending.reject(error);
        continue;
      }
      this.#commits++;
      // A signal is new for the first call that carried it (the same id twice in one group is stored once).
      const fresh = new Map(stored.signals.map((signal) => [signal.id, signal]));
      for (const pending of group) {
        const mine: StoredSignal[] = [];
        for (const signal of pending.signals) {
          const row = fresh.get(signal.id);
          if (row === undefined) continue;
          fresh.delete(signal.id);
          mine.push(row);
        }
        this.#duplicates += pending.signals.length - mine.length;
        for (const signal of mine) {
          if (signal.shadow) this.#shadow++;
          else this.#stored++;
        }
        pending.resolve(mine);
      }
      this.#onStored(stored);
    }
    this.#flushing = false;
  }

  /** The calls of the next insert: the oldest, and those after it while they fit in `maxBatch`. */
  #take(): Pending[] {
    let size = (this.#queue[0] as Pending).signals.length;
    let count = 1;
    while (count < this.#queue.length) {
      const next = (this.#queue[count] as Pending).signals.length;
      if (size + next > this.#maxBatch) break;
      size += next;
      count++;
    }
    return this.#queue.splice(0, count);
  }
}
