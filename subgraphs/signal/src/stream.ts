import { isUuid, SIGNALS_CHANNEL, type Signal, signalsOfMessage } from '@alphintra/core';
import {
  type Db,
  firstSeqAtOrAfter,
  latestSignalSeq,
  type SignalFilter,
  signalSeqOf,
  signalsAfterSeq,
} from '@alphintra/db';
import { badInput, isStorableTime } from '@alphintra/subgraph-kit';
import type { PubSubEngine } from 'graphql-subscriptions';
import { matchesFilter } from './filter.ts';

/**
 * What the pub/sub carries: a stored signal with its delivery sequence. One without (published by hand, as the
 * end-to-end tests' probes are) cannot be ordered and is passed through as it comes.
 */
export type PublishedSignal = Signal & { readonly seq?: number };

/** Options of {@link signalStream}. */
export interface SignalStreamOptions {
  readonly db: Db;
  readonly pubsub: PubSubEngine;
  /** Normalized; shadow signals are never delivered whatever it says. */
  readonly filter: SignalFilter;
  /** Send the stored signals after this sequence first; null: live signals only. */
  readonly afterSeq: number | null;
  /** Signals per database read while catching up. Default 500. */
  readonly pageSize?: number;
  /**
   * Whether the subscriber may read a live signal (its strategy is theirs or public), asked in delivery order;
   * unset: every signal. The catch-up from the database is narrowed by `filter.readableBy` instead.
   */
  readonly readable?: (signal: PublishedSignal) => Promise<boolean>;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Where a subscription with `since` starts: the sequence after which it sends stored signals. An id is the
 * sequence of that signal (BAD_USER_INPUT when no signal has it); a time is just before the first live signal, in
 * delivery order, at or after it, or the newest sequence when there is none yet (the stream is then live only).
 */
export async function resumePoint(db: Db, since: string): Promise<number> {
  if (isUuid(since)) {
    const seq = await signalSeqOf(db, since);
    if (seq === null) throw badInput('since', `no signal has the id ${since}`);
    return seq;
  }
  const time = ISO_TIME.test(since) ? Date.parse(since) : Number.NaN;
  if (!isStorableTime(time)) {
    throw badInput('since', `must be a signal id or an ISO 8601 time such as 2019-10-11T00:00:00.000Z`);
  }
  // The newest first: a signal committed between the two reads is then found by the second one.
  const newest = await latestSignalSeq(db);
  const first = await firstSeqAtOrAfter(db, time);
  return first === null ? newest : first - 1;
}

/**
 * The signals of a subscription, in delivery order, with no gap and no duplicate. It subscribes to the pub/sub
 * first and buffers; when resuming (`afterSeq`), it then reads the stored signals after `afterSeq` up to the
 * newest sequence committed once subscribed, a page at a time as the subscriber pulls them; then the buffer, and
 * then live signals, each dropped when its sequence is not above the highest already covered. Any signal
 * committed after that newest sequence was published after the subscription began, so it is in the buffer.
 * A redelivery by the relay (same sequence) is dropped the same way.
 */
export function signalStream(options: SignalStreamOptions): AsyncIterableIterator<PublishedSignal> {
  return new SignalStream(options);
}

class SignalStream implements AsyncIterableIterator<PublishedSignal> {
  readonly #options: SignalStreamOptions;
  readonly #pageSize: number;
  /** Pub/sub events that arrived while catching up from the database. */
  #buffer: PublishedSignal[] = [];
  /** Signals ready for the subscriber, in order. */
  #ready: PublishedSignal[] = [];
  #waiters: (() => void)[] = [];
  /** Every signal with a sequence up to this one has been sent or is known not to be wanted. */
  #covered: number;
  /** Catching up: the database is read up to this sequence. */
  #upTo = 0;
  #live: boolean;
  #closed = false;
  /** Live signals waiting for their `readable` answer, in order. */
  #checked: Promise<void> = Promise.resolve();
  #subscription: Promise<number>;

  constructor(options: SignalStreamOptions) {
    this.#options = options;
    this.#pageSize = options.pageSize ?? 500;
    this.#covered = options.afterSeq ?? 0;
    this.#live = options.afterSeq === null;
    this.#subscription = this.#subscribe();
    // A failed subscription surfaces from `next`; it must not be an unhandled rejection meanwhile.
    this.#subscription.catch(() => {});
  }

  async #subscribe(): Promise<number> {
    const id = await this.#options.pubsub.subscribe(
      SIGNALS_CHANNEL,
      (message: PublishedSignal | readonly PublishedSignal[]) => {
        for (const signal of signalsOfMessage(message)) this.#onPublished(signal);
      },
      {},
    );
    if (!this.#live) this.#upTo = await latestSignalSeq(this.#options.db);
    return id;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<PublishedSignal> {
    return this;
  }

  async next(): Promise<IteratorResult<PublishedSignal>> {
    await this.#subscription;
    for (;;) {
      if (this.#closed) return { done: true, value: undefined };
      const signal = this.#ready.shift();
      if (signal) return { done: false, value: signal };
      if (!this.#live) await this.#catchUp();
      else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async return(): Promise<IteratorResult<PublishedSignal>> {
    if (!this.#closed) {
      this.#closed = true;
      this.#buffer = [];
      this.#ready = [];
      for (const wake of this.#waiters.splice(0)) wake();
      const id = await this.#subscription.catch(() => null);
      if (id !== null) this.#options.pubsub.unsubscribe(id);
    }
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<PublishedSignal>> {
    await this.return();
    throw error;
  }

  /** One page from the database; the last one switches to the buffer and then to live signals. */
  async #catchUp(): Promise<void> {
    const { db, filter } = this.#options;
    const page = await signalsAfterSeq(db, {
      afterSeq: this.#covered,
      upToSeq: this.#upTo,
      filter,
      limit: this.#pageSize,
    });
    if (this.#closed) return;
    this.#ready.push(...page);
    const last = page.at(-1);
    if (last) this.#covered = last.seq;
    if (page.length < this.#pageSize) {
      this.#covered = Math.max(this.#covered, this.#upTo);
      this.#live = true;
      for (const signal of this.#buffer.splice(0)) this.#accept(signal);
    }
  }

  #onPublished(signal: PublishedSignal): void {
    if (this.#closed || signal == null) return;
    if (this.#live) this.#accept(signal);
    else this.#buffer.push(signal);
  }

  #accept(signal: PublishedSignal): void {
    if (typeof signal.seq === 'number') {
      if (signal.seq <= this.#covered) return;
      this.#covered = signal.seq;
    }
    // Shadow signals are not published; should one be, it still never reaches a subscriber.
    if (signal.shadow || !matchesFilter(signal, this.#options.filter)) return;
    const { readable } = this.#options;
    if (!readable) {
      this.#push(signal);
      return;
    }
    this.#checked = this.#checked.then(async () => {
      if (await readable(signal).catch(() => false)) this.#push(signal);
    });
  }

  #push(signal: PublishedSignal): void {
    if (this.#closed) return;
    this.#ready.push(signal);
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
