import { type BusConsumer, type BusMessage, type EventBus, TOPICS } from '@alphintra/bus';
import { type Candle, type CandleStore, type Interval, isInterval } from '@alphintra/core';
import {
  type Db,
  latestOutcomeSeq,
  loadDeliveryCursor,
  type OutcomeWrite,
  openOutcomeSignals,
  readOutcomeOutbox,
  type StoredOutcome,
  type StoredSignal,
  saveOutcomes,
  versionIntervals,
} from '@alphintra/db';
import { OutcomeTracker, type SignalOutcome } from '@alphintra/engine';
import type { Log } from './log.ts';
import type { CandleMessage } from './market-data-service.ts';
import { CursorWriter, type DeliveryChannel, OutboxRelay, type OutboxSource } from './relay.ts';
import { retryForever, SerialQueue } from './retry.ts';

/** The name of the outcome service's cursor on the signal outbox (`delivery_cursors`). */
export const OUTCOMES_CHANNEL = 'outcomes';

/**
 * The outcome service's second cursor (`delivery_cursors`): every live signal through it that the service follows
 * has its closed outcome stored. After a restart the service follows again the signals between it and
 * `OUTCOMES_CHANNEL`'s cursor that have none (migration 0015 starts it where an earlier version left off).
 */
export const OUTCOMES_CLOSED_CURSOR = 'outcomes-closed';

/** The closed outcomes in delivery order (`signal_outcomes.seq`): what the Kafka outcome relay reads. */
export function outcomeOutbox(db: Db): OutboxSource<StoredOutcome> {
  return {
    read: (afterSeq, limit) => readOutcomeOutbox(db, { afterSeq, limit }),
    latest: () => latestOutcomeSeq(db),
  };
}

/** Options of {@link OutcomeService}. */
export interface OutcomeServiceOptions {
  readonly db: Db;
  readonly store: CandleStore;
  readonly bus: EventBus;
  readonly log: Log;
  /**
   * Where the service reads the signal outbox: a follower of the process's reader, shared with the other relays.
   * Default: a reader of its own.
   */
  readonly reader?: OutboxSource<StoredSignal>;
  /** The process's cursor writer, shared with the other relays. Default: one of its own. */
  readonly cursors?: CursorWriter;
  /** Called with the signal ids of outcomes just closed and committed (to wake the Kafka outcome relay). */
  readonly onClosed?: (signalIds: readonly string[]) => void;
  /** How often every followed series is read from the candle store even without a bus candle. Default 5 s. */
  readonly sweepMs?: number;
  /** Once caught up with the outbox, the least time before its next read (see `OutboxRelayOptions.gatherMs`). */
  readonly gatherMs?: number;
}

/** Default `gatherMs`: at 1,000 signals/s in batches of 10, one outcome write per 50 signals instead of per 10. */
export const OUTCOME_GATHER_MS = 50;

/**
 * Follows every live signal until its take profit, its stop loss or its expiry (the engine's `OutcomeTracker`,
 * the rules of `followSignal`), and stores each outcome once, when it closes, with its place in the outcome outbox,
 * in one transaction. An open outcome is not written: it is the signal without an outcome row (what the API shows as
 * OPEN). Two cursors say where the service stands: `outcomes` (signals handed to it) and `outcomes-closed` (signals
 * whose outcome is closed and stored, or that it does not follow); after a restart it follows again the signals
 * between the two that have no closed outcome.
 *
 * It talks to the rest only through the database and the bus, so it can run as its own process. It learns of
 * signals from the signal outbox like a delivery channel (its own cursor, `outcomes`, from the first signal on), and
 * of candles from the candle store: a `market.candles` record (its own consumer group) or a periodic sweep only
 * says when to read the series' new stored candles. An outcome is therefore a function of the signal and the stored
 * candles after it alone: after a restart or for a late signal it is caught up from the store and equals what
 * `followSignal` gives on the same candles.
 */
export class OutcomeService {
  readonly #options: OutcomeServiceOptions;
  readonly #tracker = new OutcomeTracker();
  readonly #relay: OutboxRelay;
  /** Per followed series: the open time of the newest stored candle fed to the tracker (every older one was). */
  readonly #until = new Map<string, { readonly symbol: string; readonly interval: Interval; until: number }>();
  /** Closed outcomes not yet committed, by signal id. */
  readonly #unsaved = new Map<string, OutcomeWrite>();
  /**
   * The followed signals whose closed outcome is not committed yet: signal id -> sequence, in sequence order (they
   * are followed in outbox order, and a signal followed again keeps its place), so the first is the oldest.
   */
  readonly #open = new Map<string, number>();
  /** The highest sequence handed to the service. */
  #learnedThrough = 0;
  /** The `outcomes-closed` cursor as last saved. */
  #closedThrough = 0;
  readonly #cursors: CursorWriter;
  /** Strategy versions' intervals by `<id>|<version>`: a version never changes, so each is read once. */
  readonly #intervals = new Map<string, Interval>();
  /** Every read and write of the tracker, one at a time: a candle and a signal never interleave. */
  readonly #queue = new SerialQueue();
  #consumer: BusConsumer | null = null;
  #sweep: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: OutcomeServiceOptions) {
    this.#options = options;
    this.#cursors = options.cursors ?? new CursorWriter({ db: options.db, log: options.log });
    const channel: DeliveryChannel = { name: OUTCOMES_CHANNEL, deliver: (signals) => this.#learn(signals) };
    this.#relay = new OutboxRelay({
      db: options.db,
      channel,
      log: options.log,
      fromStart: true,
      // Nobody waits on an open outcome: reading the signals of several batches at once makes one pass of them.
      gatherMs: options.gatherMs ?? OUTCOME_GATHER_MS,
      ...(options.reader === undefined ? {} : { reader: options.reader }),
      cursors: this.#cursors,
    });
  }

  /** The relay reading the signal outbox for this service (its cursor is `outcomes`). */
  get relay(): OutboxRelay {
    return this.#relay;
  }

  /** Signals being followed. */
  get following(): number {
    return this.#tracker.size;
  }

  /**
   * Catches the signals it was handed before and has not closed up with the candle store, then follows new signals
   * from the outbox and new candles from the bus.
   */
  async start(groupPrefix = 'alphintra'): Promise<void> {
    const { db, bus, log } = this.#options;
    const open = await retryForever(
      'loading open outcomes',
      async () => {
        const [learned, closed] = await Promise.all([
          loadDeliveryCursor(db, OUTCOMES_CHANNEL),
          loadDeliveryCursor(db, OUTCOMES_CLOSED_CURSOR),
        ]);
        this.#learnedThrough = learned ?? 0;
        this.#closedThrough = closed ?? 0;
        return openOutcomeSignals(db, { afterSeq: this.#closedThrough, throughSeq: this.#learnedThrough });
      },
      (m, e) => log.warn(m, e),
      () => this.#stopped,
    );
    await this.#run(async () => {
      await this.#follow(open);
      await this.#flush();
    });
    if (open.length > 0) log.info(`caught ${open.length} open outcomes up with the candle store`);
    await this.#relay.start();
    this.#consumer = await bus.consume({
      groupId: `${groupPrefix}.outcomes`,
      topics: [TOPICS.candles],
      handler: (message) => this.#onCandle(message),
    });
    this.#sweep = setInterval(
      () => void this.#run(() => this.#advanceAll()).catch(this.#report),
      this.#options.sweepMs ?? 5_000,
    );
  }

  /** A signal was stored: read the outbox now. */
  wake(): void {
    this.#relay.wake();
  }

  /**
   * Resolves once every signal stored before the call is followed and every stored candle is applied (tests): the
   * outcomes these close are committed.
   */
  async drain(): Promise<void> {
    await this.#relay.drain();
    await this.#run(() => this.#advanceAll());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweep !== null) clearInterval(this.#sweep);
    await this.#consumer?.close();
    await this.#relay.stop();
    await this.#queue.drain();
    await this.#cursors.flush();
  }

  /** Runs a task on the queue and resolves (or rejects) with it. */
  #run(task: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push(() => task().then(resolve, reject));
    });
  }

  /** The outbox channel: follows the batch's signals; resolves once the outcomes they closed at once are committed. */
  async #learn(signals: readonly StoredSignal[]): Promise<void> {
    const intervals = await this.#intervalsOf(signals);
    await this.#run(async () => {
      const followed: { signal: StoredSignal; interval: Interval }[] = [];
      for (const signal of signals) {
        const interval = intervals.get(`${signal.strategyId}|${signal.strategyVersion}`);
        if (interval === undefined || !isInterval(interval)) {
          this.#options.log.warn(`signal ${signal.id}: its strategy version has no known interval; not followed`, {
            signalId: signal.id,
          });
          continue;
        }
        followed.push({ signal, interval });
      }
      await this.#follow(followed);
      this.#learnedThrough = Math.max(this.#learnedThrough, signals.at(-1)?.seq ?? 0);
      // A rejection makes the relay deliver the batch again; the signals followed already are kept, so nothing is
      // computed twice and the unsaved outcomes go with the next attempt.
      await this.#flush(true);
    });
  }

  /** The interval of each signal's strategy version, read from the database for versions not seen before. */
  async #intervalsOf(signals: readonly StoredSignal[]): Promise<ReadonlyMap<string, Interval>> {
    const unknown = signals
      .map((s) => ({ strategyId: s.strategyId, version: s.strategyVersion }))
      .filter((v) => !this.#intervals.has(`${v.strategyId}|${v.version}`));
    if (unknown.length > 0) {
      for (const [key, interval] of await versionIntervals(this.#options.db, unknown))
        this.#intervals.set(key, interval);
    }
    return this.#intervals;
  }

  /**
   * Starts following signals: each first on its series' stored candles after it, up to where the series stands (one
   * read per series: a candle before a signal is no candle of its).
   */
  async #follow(signals: readonly { readonly signal: StoredSignal; readonly interval: Interval }[]): Promise<void> {
    const bySeries = new Map<string, { signal: StoredSignal; interval: Interval }[]>();
    for (const item of signals) {
      const key = seriesKey(item.signal.symbol, item.interval);
      const list = bySeries.get(key);
      if (list === undefined) bySeries.set(key, [item]);
      else list.push(item);
    }
    for (const [key, items] of bySeries) {
      const { symbol } = items[0]?.signal ?? { symbol: '' };
      const interval = items[0]?.interval ?? '1m';
      const series = this.#until.get(key);
      const from = Math.min(...items.map((item) => item.signal.timestamp));
      // A followed series stands at `until`: its candles after the signals' are applied as they come, so only those
      // up to `until` are history here, and there are none when every signal is newer (the usual live case).
      const history =
        series !== undefined && from > series.until ? [] : await this.#stored(symbol, interval, from, series?.until);
      for (const { signal } of items) {
        if (!this.#open.has(signal.id)) this.#open.set(signal.id, signal.seq);
        const closed = this.#tracker.track(signal, interval, history);
        if (closed !== null) this.#keep(closed, interval);
      }
      if (series === undefined && this.#tracker.isFollowing(symbol, interval)) {
        this.#until.set(key, { symbol, interval, until: history.at(-1)?.openTime ?? from - 1 });
      }
    }
  }

  async #onCandle(message: BusMessage): Promise<void> {
    let candle: CandleMessage;
    try {
      candle = JSON.parse(message.value) as CandleMessage;
    } catch (error) {
      this.#options.log.error(
        `skipped unreadable ${message.topic} record at ${message.partition}/${message.offset}`,
        error,
      );
      return;
    }
    const series = this.#until.get(seriesKey(candle.symbol, candle.interval));
    if (series === undefined || candle.openTime <= series.until) return;
    await this.#run(async () => {
      await this.#advance(series);
      await this.#flush();
    }).catch(this.#report);
  }

  /** A task that failed (only ever while stopping: reads are retried until then, writes kept for the next flush). */
  readonly #report = (error: unknown): void => {
    if (!this.#stopped) this.#options.log.warn('following outcomes failed', error);
  };

  /**
   * Applies every followed series' stored candles after where it stands, all read in one query: the sweep runs
   * while signals are being delivered, and a read per series (hundreds of round trips at once) held the relays up.
   */
  async #advanceAll(): Promise<void> {
    const followed = [...this.#until.values()];
    if (followed.length === 0) return;
    const candles = await retryForever(
      `reading the stored candles of ${followed.length} followed series`,
      () =>
        this.#options.store.since(
          followed.map(({ symbol, interval, until }) => ({ symbol, interval, from: until + 1 })),
        ),
      (m, e) => this.#options.log.warn(m, e),
      () => this.#stopped,
    );
    const bySeries = new Map<string, Candle[]>();
    for (const candle of candles) {
      const key = seriesKey(candle.symbol, candle.interval);
      const list = bySeries.get(key);
      if (list === undefined) bySeries.set(key, [candle]);
      else list.push(candle);
    }
    for (const series of followed) this.#apply(series, bySeries.get(seriesKey(series.symbol, series.interval)) ?? []);
    await this.#flush();
  }

  /** Applies a followed series' stored candles after where it stands. */
  async #advance(series: { readonly symbol: string; readonly interval: Interval; until: number }): Promise<void> {
    if (this.#until.get(seriesKey(series.symbol, series.interval)) !== series) return;
    this.#apply(series, await this.#stored(series.symbol, series.interval, series.until + 1, undefined));
  }

  /** Feeds a followed series' candles after where it stands (ascending) to the tracker. */
  #apply(series: { readonly symbol: string; readonly interval: Interval; until: number }, candles: readonly Candle[]) {
    for (const candle of candles) {
      for (const closed of this.#tracker.onCandle(candle)) this.#keep(closed, series.interval);
      series.until = candle.openTime;
    }
    if (!this.#tracker.isFollowing(series.symbol, series.interval)) {
      this.#until.delete(seriesKey(series.symbol, series.interval));
    }
  }

  /** Keeps a closed outcome for the next flush (a closed outcome never changes: the first is kept). */
  #keep(outcome: SignalOutcome, interval: Interval): void {
    if (!this.#unsaved.has(outcome.signalId)) this.#unsaved.set(outcome.signalId, { outcome, interval });
  }

  /**
   * Commits the unsaved outcomes, then moves the `outcomes-closed` cursor up to the oldest signal still open; on
   * failure they are kept for the next flush (and `rethrow` says so).
   */
  async #flush(rethrow = false): Promise<void> {
    if (this.#unsaved.size > 0) {
      const writes = [...this.#unsaved.values()];
      try {
        const closed = await saveOutcomes(this.#options.db, writes);
        for (const { outcome } of writes) {
          this.#unsaved.delete(outcome.signalId);
          this.#open.delete(outcome.signalId);
        }
        if (closed.length > 0) this.#options.onClosed?.(closed);
      } catch (error) {
        if (rethrow) throw error;
        if (!this.#stopped) this.#options.log.warn(`storing ${writes.length} outcomes failed; retrying`, error);
        return;
      }
    }
    // Every signal before the oldest one still open is closed and stored, or not followed.
    const oldest = this.#open.values().next();
    const through = oldest.done ? this.#learnedThrough : oldest.value - 1;
    if (through > this.#closedThrough) {
      this.#closedThrough = through;
      this.#cursors.save(OUTCOMES_CLOSED_CURSOR, through);
    }
  }

  /** Stored candles of a series with `from <= openTime <= upTo`. */
  #stored(symbol: string, interval: Interval, from: number, upTo: number | undefined): Promise<Candle[]> {
    return retryForever(
      `reading stored ${symbol} ${interval} candles`,
      () => this.#options.store.query({ symbol, interval, from, ...(upTo === undefined ? {} : { to: upTo + 1 }) }),
      (m, e) => this.#options.log.warn(m, e),
      () => this.#stopped,
    );
  }
}

function seriesKey(symbol: string, interval: string): string {
  return `${symbol}\u0000${interval}`;
}
