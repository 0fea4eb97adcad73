import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Db,
  latestSignalSeq,
  loadDeliveryCursor,
  readOutbox,
  type StoredBatch,
  type StoredSignal,
  saveDeliveryCursor,
  saveDeliveryCursors,
} from '@alphintra/db';
import type { Log } from './log.ts';

/** A row of an outbox: its delivery sequence is its place in the outbox order. */
export interface OutboxRecord {
  /** The id of the signal the record is (about), for logs. */
  readonly id: string;
  readonly seq: number;
}

/**
 * Where a relay reads its records: the signal outbox (`OutboxReader`) unless told otherwise (the closed signal
 * outcomes, for instance). Sequence order must be commit order.
 */
export interface OutboxSource<T extends OutboxRecord> {
  /** Up to `limit` records after `afterSeq`, in delivery order. */
  read(afterSeq: number, limit: number): Promise<T[]>;
  /** The highest sequence stored (0 when none). */
  latest(): Promise<number>;
}

/** One place signals (or other outbox records) go: the subscription pub/sub, a Kafka topic, a webhook dispatcher. */
export interface DeliveryChannel<T extends OutboxRecord = StoredSignal> {
  /** Stable name: the channel's cursor in `delivery_cursors` is kept under it. */
  readonly name: string;
  /**
   * Hands over a batch in outbox order; resolves once the channel has it (Kafka: acknowledged). A rejection is
   * retried with back-off, the same batch again: channels must treat a redelivered signal as a duplicate.
   */
  deliver(signals: readonly T[]): Promise<void>;
}

/** Options of {@link OutboxReader}. */
export interface OutboxReaderOptions {
  /** Newest signals the window always keeps, read or stored. Default 20,000. */
  readonly windowSize?: number;
  /**
   * Most signals the window keeps for a follower behind the others (`follower`); one further behind reads the
   * database. Default 100,000.
   */
  readonly maxWindow?: number;
  /**
   * Longest a read at the end of the window waits for a batch this process is committing (`storing`) to be handed
   * over before it reads the database instead. Default 100 ms.
   */
  readonly handOverWaitMs?: number;
}

/**
 * Reads the outbox for the relays of one process. Relays usually stand at the same place, so the signals read last
 * are kept (a window of the newest reads) and a relay asking for a range inside it is answered from memory: one
 * database read per batch, not one per channel. The window is exact, not a guess: a read of `seq > a` ending at
 * `b` saw every signal with a sequence in (a, b], because inserts are serialized and sequence order is commit
 * order (`insertSignals`), so nothing can still appear there later.
 *
 * Relays reading through a `follower` are waited for: the window keeps every signal from the slowest follower's
 * place on (up to `maxWindow`), so a relay that falls behind the others under load (the outcome service, which
 * writes a record per signal) goes on reading from memory instead of reading back, from the database, signals this
 * process had in hand.
 */
export class OutboxReader implements OutboxSource<StoredSignal> {
  readonly #db: Db;
  readonly #windowSize: number;
  readonly #maxWindow: number;
  /** Live (non-shadow) signals with a sequence in (#from, #to], in order, from `#window[#head]` on. */
  #window: StoredSignal[] = [];
  /** Signals before it are dropped (the array is compacted once they are an eighth of it). */
  #head = 0;
  #from = 0;
  #to = 0;
  /** The window ends with a batch stored by this process (`stored`), not a database read. */
  #endsStored = false;
  /** Reads in flight by their `afterSeq`: a second relay at the same place waits for the same read. */
  readonly #inflight = new Map<number, { readonly limit: number; readonly rows: Promise<StoredSignal[]> }>();
  /** Where each follower last read (`afterSeq`): the window keeps what the slowest still has to read. */
  readonly #followers: { at: number }[] = [];
  #reads = 0;
  readonly #handOverWaitMs: number;
  /** Commits of this process announced by `storing` and not yet handed over by `stored`. */
  #storing = 0;
  /** Resolved by the next `stored`: what reads at the end of the window wait for. */
  #nextHandOver: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  constructor(db: Db, options: OutboxReaderOptions = {}) {
    this.#db = db;
    this.#windowSize = options.windowSize ?? 20_000;
    this.#maxWindow = Math.max(this.#windowSize, options.maxWindow ?? 100_000);
    this.#handOverWaitMs = options.handOverWaitMs ?? 100;
  }

  /** Database reads so far. */
  get reads(): number {
    return this.#reads;
  }

  /** Signals held in memory. */
  get held(): number {
    return this.#window.length - this.#head;
  }

  /** The highest delivery sequence stored. */
  latest(): Promise<number> {
    return latestSignalSeq(this.#db);
  }

  /**
   * A source for one relay of this process: it reads as the reader does, and the reader keeps its window from
   * where that relay reads on (see the class).
   */
  follower(): OutboxSource<StoredSignal> {
    const place = { at: Number.POSITIVE_INFINITY };
    this.#followers.push(place);
    return {
      read: (afterSeq, limit) => {
        place.at = afterSeq;
        return this.read(afterSeq, limit);
      },
      latest: () => this.latest(),
    };
  }

  /** Up to `limit` live signals after `afterSeq`, in delivery order: what `readOutbox` would answer. */
  async read(afterSeq: number, limit: number): Promise<StoredSignal[]> {
    if (afterSeq >= this.#from && afterSeq < this.#to) {
      const known = this.#slice(afterSeq, limit);
      if (known.length === limit) return known;
      // The window ends with the newest batch this process stored: that is the end of the outbox as far as this
      // process knows, and a newer batch comes with a wake (another process's, with the relay's next poll).
      if (this.#endsStored && known.length > 0) return known;
      // The window ends first: the rest from the database, after the window.
      return [...known, ...(await this.read(this.#to, limit - known.length))];
    }
    // At the end of a window that ends with this process's newest batch, while it commits the next one: that batch
    // comes with its hand-over, so wait for it rather than read it back from the database between its commit and
    // its hand-over (decoding, as rows, signals the process has in hand). A commit that takes longer is read as
    // before; another process's batch in between shows as a gap at the hand-over, read then.
    if (afterSeq === this.#to && this.#endsStored && this.#storing > 0) {
      const handedOver = this.#nextHandOver?.promise ?? this.#newHandOver();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([handedOver, new Promise((resolve) => (timer = setTimeout(resolve, this.#handOverWaitMs)))]);
      clearTimeout(timer);
      if (afterSeq < this.#to) return this.read(afterSeq, limit);
    }
    let reading = this.#inflight.get(afterSeq);
    if (reading === undefined || reading.limit < limit) {
      reading = { limit, rows: this.#fetch(afterSeq, limit) };
      this.#inflight.set(afterSeq, reading);
    }
    const rows = await reading.rows;
    return rows.length > limit ? rows.slice(0, limit) : rows;
  }

  async #fetch(afterSeq: number, limit: number): Promise<StoredSignal[]> {
    try {
      this.#reads++;
      const rows = await readOutbox(this.#db, { afterSeq, limit });
      const last = rows.at(-1);
      if (last !== undefined) this.#remember(afterSeq, last.seq, rows);
      return rows;
    } finally {
      if (this.#inflight.get(afterSeq)?.limit === limit) this.#inflight.delete(afterSeq);
    }
  }

  /**
   * A batch this process just committed (`storeSignals`): kept, so that the relays take it from memory instead of
   * reading it back. Exact, like a read: every signal up to `batch.afterSeq` was committed before it, and none can
   * appear between that and the batch. Batches must come in commit order (the distributor commits one at a time); a
   * batch that does not follow the window (another process stored in between, or the window is behind) starts a new
   * one, and a relay still behind it reads the gap from the database.
   */
  stored(batch: StoredBatch): void {
    if (this.#storing > 0) this.#storing--;
    const last = batch.signals.at(-1);
    if (last !== undefined && last.seq > this.#to) {
      const live = batch.signals.filter((signal) => !signal.shadow);
      this.#remember(batch.afterSeq, last.seq, live, true);
    }
    const waiting = this.#nextHandOver;
    this.#nextHandOver = null;
    waiting?.resolve();
  }

  /**
   * A batch of this process is being committed: it comes with `stored` (empty when nothing in it was new), so a
   * read at the end of the window waits for it (`handOverWaitMs` at most) instead of reading it back.
   */
  storing(): void {
    this.#storing++;
  }

  #newHandOver(): Promise<void> {
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    this.#nextHandOver = { promise, resolve };
    return promise;
  }

  #remember(afterSeq: number, to: number, rows: readonly StoredSignal[], newest = false): void {
    const holding = this.#to > this.#from;
    // A read or batch that starts inside the window, or at its end, extends it by what lies past its end. A read can
    // start inside: it was sent when the window ended there, and batches were handed over while it ran (the
    // distributor hands a batch over after its commit, and a relay may read the database in between). Starting a
    // new window from it instead would drop the signals before it, and send every follower behind to the database.
    if (holding && afterSeq >= this.#from && afterSeq <= this.#to) {
      if (to <= this.#to) return;
      for (const row of rows) if (row.seq > this.#to) this.#window.push(row);
    } else {
      // A reader behind the window (one slower than the others, or catching up) leaves it to the newest signals,
      // which the others are reading: replacing it would send every reader to the database in turn.
      if (!newest && afterSeq < this.#from && holding) return;
      // Past a gap (another process stored in between), or nothing held: a new window.
      this.#window = [...rows];
      this.#head = 0;
      this.#from = afterSeq;
    }
    this.#to = to;
    this.#endsStored = newest;
    this.#trim();
  }

  /**
   * Drops, beyond the newest `windowSize`, what no follower still has to read, and anything beyond `maxWindow`. The
   * array is copied only once the dropped part is an eighth of it: a few pointer copies per signal rather than a copy
   * per batch, and at most a seventh more than it holds kept from the collector.
   */
  #trim(): void {
    const held = this.#window.length - this.#head;
    if (held <= this.#windowSize) return;
    let slowest = Number.POSITIVE_INFINITY;
    for (const follower of this.#followers) slowest = Math.min(slowest, follower.at);
    // Every follower has read past these (all of them when there is no follower).
    const passed = this.#firstAfter(slowest) - this.#head;
    const drop = Math.max(Math.min(held - this.#windowSize, passed), held - this.#maxWindow);
    if (drop <= 0) return;
    this.#head += drop;
    this.#from = (this.#window[this.#head - 1] as StoredSignal).seq;
    if (this.#head * 8 >= this.#window.length) {
      this.#window = this.#window.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The index of the first signal after `afterSeq`: a binary search, the window being in sequence order. */
  #firstAfter(afterSeq: number): number {
    let low = this.#head;
    let high = this.#window.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#window[middle] as StoredSignal).seq <= afterSeq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #slice(afterSeq: number, limit: number): StoredSignal[] {
    const first = this.#firstAfter(afterSeq);
    return this.#window.slice(first, first + limit);
  }
}

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions<T extends OutboxRecord = StoredSignal> {
  readonly db: Db;
  readonly channel: DeliveryChannel<T>;
  readonly log: Log;
  /**
   * Shared by the relays of a process so that they read each batch once. Default: a signal `OutboxReader` of its
   * own (another kind of record needs its source).
   */
  readonly reader?: OutboxSource<T>;
  /** A channel that has never delivered starts at the beginning of the outbox rather than after its newest record. */
  readonly fromStart?: boolean;
  /** Signals per read and per hand-over. Default 500. */
  readonly batchSize?: number;
  /** How often the outbox is polled when nothing woke the relay (another process wrote). Default 100 ms. */
  readonly pollMs?: number;
  /**
   * Writes the cursor; shared by the relays of a process so that their cursors go in one statement. Default: a
   * writer of its own, at most one write per `cursorWriteMs`.
   */
  readonly cursors?: CursorWriter;
  /** The least time between two cursor writes of the relay's own writer, ms (see `CursorWriter`). Default 50. */
  readonly cursorWriteMs?: number;
  /**
   * Once caught up, the least time before the next read, ms, however soon a wake comes: a channel whose consumer is
   * not waiting on each signal (the outcome service) takes the signals of many batches in one read and one hand-over.
   * Does not slow a relay that is behind (its batches are full). Default 0.
   */
  readonly gatherMs?: number;
  /** Called after each batch the channel took (metrics). */
  readonly onDelivered?: (signals: readonly T[]) => void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 10_000;

/**
 * Delivers the signal outbox to one channel: reads the signals after the channel's cursor in delivery order,
 * hands them over, then moves the cursor. One relay per channel, each with its own cursor, so a channel that is
 * down holds up no other; on restart a relay resumes from its cursor, so a crash loses nothing and at most
 * redelivers what it handed over since its last cursor write (same `signal_id`s). Runs in any process that can
 * reach the database.
 */
export class OutboxRelay<T extends OutboxRecord = StoredSignal> {
  readonly #options: OutboxRelayOptions<T>;
  readonly #reader: OutboxSource<T>;
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #gatherMs: number;
  #cursor = 0;
  #delivered = 0;
  #failures = 0;
  #stopped = false;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #pending = false;
  readonly #cursors: CursorWriter;
  /** Resolves when `stop` is called (ends a gathering wait). */
  readonly #stopping: Promise<void>;
  #stop: () => void = () => {};

  constructor(options: OutboxRelayOptions<T>) {
    this.#options = options;
    this.#reader = options.reader ?? (new OutboxReader(options.db) as unknown as OutboxSource<T>);
    this.#batchSize = options.batchSize ?? 500;
    this.#pollMs = options.pollMs ?? 100;
    this.#cursors =
      options.cursors ??
      new CursorWriter({
        db: options.db,
        log: options.log,
        ...(options.cursorWriteMs === undefined ? {} : { intervalMs: options.cursorWriteMs }),
      });
    this.#gatherMs = options.gatherMs ?? 0;
    this.#stopping = new Promise((resolve) => {
      this.#stop = resolve;
    });
  }

  get name(): string {
    return this.#options.channel.name;
  }

  /** Counters since start, and the cursor. */
  get stats() {
    return { channel: this.name, cursor: this.#cursor, delivered: this.#delivered, failures: this.#failures };
  }

  /**
   * Loads the cursor and starts delivering. A channel that has never delivered starts after the newest stored
   * signal (what was stored before it existed is history, not news), or at the beginning with `fromStart`.
   */
  async start(): Promise<void> {
    const { db, channel } = this.#options;
    const saved = await loadDeliveryCursor(db, channel.name);
    if (saved === null) {
      this.#cursor = this.#options.fromStart ? 0 : await this.#reader.latest();
      await saveDeliveryCursor(db, channel.name, this.#cursor);
    } else {
      this.#cursor = saved;
    }
    this.#running = this.#loop();
  }

  /** Something was written to the outbox: look now rather than at the next poll. */
  wake(): void {
    this.#pending = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Resolves once every signal stored before the call has been handed over (tests, shutdown). */
  async drain(): Promise<void> {
    const target = await this.#reader.latest();
    while (!this.#stopped && this.#cursor < target) {
      this.wake();
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stop();
    this.wake();
    await this.#running;
    await this.#cursors.flush();
  }

  async #loop(): Promise<void> {
    const { channel, log } = this.#options;
    let delay = RETRY_MIN_MS;
    while (!this.#stopped) {
      this.#pending = false;
      let batch: T[];
      try {
        batch = await this.#reader.read(this.#cursor, this.#batchSize);
      } catch (error) {
        log.warn(`${channel.name}: reading the outbox failed; retrying in ${delay} ms`, error);
        await this.#idle(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      if (batch.length === 0) {
        delay = RETRY_MIN_MS;
        if (!this.#pending) await this.#idle(this.#pollMs);
        continue;
      }
      try {
        await channel.deliver(batch);
      } catch (error) {
        this.#failures++;
        log.warn(`${channel.name}: delivering ${batch.length} signals failed; retrying in ${delay} ms`, error, {
          signalIds: batch.map((signal) => signal.id),
        });
        await this.#idle(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      delay = RETRY_MIN_MS;
      this.#options.onDelivered?.(batch);
      const last = (batch.at(-1) as T).seq;
      this.#cursor = last;
      this.#delivered += batch.length;
      this.#cursors.save(channel.name, last);
      // A short batch was all the outbox held when it was read (sequence order is commit order): the next signals
      // come with a wake, or the poll, rather than an empty read now; a gathering relay lets them gather first.
      if (batch.length < this.#batchSize) {
        if (this.#gatherMs > 0 && !this.#stopped) await Promise.race([sleep(this.#gatherMs), this.#stopping]);
        if (!this.#pending) await this.#idle(this.#pollMs);
      }
    }
  }

  #idle(ms: number): Promise<void> {
    const wait = interruptibleSleep(ms);
    this.#wake = wait.interrupt;
    return wait.done.then(() => {
      if (this.#wake === wait.interrupt) this.#wake = null;
    });
  }
}

/** Options of {@link CursorWriter}. */
export interface CursorWriterOptions {
  readonly db: Db;
  readonly log: Log;
  /**
   * Least time between two writes, ms, counted from the last one's start. Writes never hold up delivery; this bounds
   * how often busy relays write (a crash redelivers at most what was handed over since the last write). Default 50.
   */
  readonly intervalMs?: number;
}

/**
 * Writes relays' cursors without holding up their next batch: one write at a time, at most one per `intervalMs`,
 * carrying the newest cursor of every channel handed over since the last (`saveDeliveryCursors`, one statement).
 * Shared by the relays of a process, it makes one write where each relay would make its own. A lost or late write
 * only means a redelivery after a restart (same `signal_id`s) of what was delivered since the last write that
 * landed; the next write carries the cursors forward.
 */
export class CursorWriter {
  readonly #db: Db;
  readonly #log: Log;
  readonly #intervalMs: number;
  /** The newest cursor of each channel still to write. */
  readonly #unsaved = new Map<string, number>();
  #saving: Promise<void> | null = null;
  #lastWrite = Number.NEGATIVE_INFINITY;
  /** Flushes waiting: write at once, no spacing. */
  #flushes = 0;
  #cutWait: (() => void) | null = null;

  constructor(options: CursorWriterOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? 50;
  }

  /** Moves `channel`'s cursor to `seq` with the next write. */
  save(channel: string, seq: number): void {
    const known = this.#unsaved.get(channel);
    if (known === undefined || seq > known) this.#unsaved.set(channel, seq);
    this.#saving ??= this.#write();
  }

  /** Writes what is waiting now, without spacing; resolves once it is written (a relay stopping). */
  async flush(): Promise<void> {
    this.#flushes++;
    try {
      this.#cutWait?.();
      await this.#saving;
    } finally {
      this.#flushes--;
    }
  }

  async #write(): Promise<void> {
    while (this.#unsaved.size > 0) {
      const wait = this.#lastWrite + this.#intervalMs - performance.now();
      if (wait > 0 && this.#flushes === 0) await this.#pause(wait);
      const cursors = [...this.#unsaved].map(([channel, lastSeq]) => ({ channel, lastSeq }));
      this.#unsaved.clear();
      this.#lastWrite = performance.now();
      await saveDeliveryCursors(this.#db, cursors).catch((error: unknown) =>
        this.#log.warn(`saving the cursors of ${cursors.map((cursor) => cursor.channel).join(', ')} failed`, error),
      );
    }
    this.#saving = null;
  }

  #pause(ms: number): Promise<void> {
    const wait = interruptibleSleep(ms);
    this.#cutWait = wait.interrupt;
    return wait.done.then(() => {
      if (this.#cutWait === wait.interrupt) this.#cutWait = null;
    });
  }
}

/** A sleep that `interrupt` ends early. */
function interruptibleSleep(ms: number): { readonly done: Promise<void>; readonly interrupt: () => void } {
  let interrupt = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    interrupt = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, interrupt };
}
