import { randomUUID } from 'node:crypto';
import { type BusConsumer, type BusMessage, type EventBus, TOPICS } from '@alphintra/bus';
import { type Candle, type CandleStore, INTERVALS, type Interval, type Signal } from '@alphintra/core';
import {
  type Db,
  endedStrategyRuns,
  latestStrategyChange,
  loadEngineProgress,
  progressKey,
  runningStrategySpecs,
  saveEngineProgress,
  saveStrategyVersionStats,
} from '@alphintra/db';
import { InferenceEngine, type LoadedModel } from '@alphintra/engine';
import type { SignalDistributor } from './distributor.ts';
import type { Log } from './log.ts';
import type { CandleMessage } from './market-data-service.ts';
import { loadModels } from './models.ts';
import { retryForever } from './retry.ts';

const PROGRESS_EVERY_MS = 250;
/** How often the engine compares its strategies with the committed changes (the bus may have missed one). */
const RECONCILE_EVERY_MS = 250;
const STATS_EVERY_MS = 1_000;

/**
 * Runs the inference engine as a service: consumes closed candles from `market.candles` (a consumer group, so
 * more workers would split the symbols), reloads the active strategies on each `strategy.events` record (hot
 * reload: in effect from the next candle), and hands each candle's signals to the distributor.
 *
 * The candle store is the record, the bus only the notification: on start every series is warmed up on its stored
 * history up to the last candle this engine evaluated (its progress, kept in the database), then the stored
 * candles after it are evaluated; a bus candle that skips ahead of the series brings the candles in between from
 * the store first. So no candle is skipped or evaluated twice across a crash, and the signals of a run with
 * restarts equal a backtest over the stored candles.
 */
export class EngineService {
  readonly engine = new InferenceEngine();
  readonly #db: Db;
  readonly #store: CandleStore;
  readonly #bus: EventBus;
  readonly #distributor: SignalDistributor;
  readonly #log: Log;
  readonly #consumers: BusConsumer[] = [];
  /** The newest candle processed per series (`progressKey`), evaluated or warmed on. */
  readonly #last = new Map<string, number>();
  /** Progress not saved yet. */
  readonly #unsaved = new Map<string, { symbol: string; interval: Interval; lastOpenTime: number }>();
  #progressName = 'engine';
  readonly #timers: NodeJS.Timeout[] = [];
  /** The last strategy change (`strategy_changes.seq`) the running set reflects. */
  #changeSeq = -1;
  #reloading: Promise<void> | null = null;
  /** The model versions the running `AI_ML` strategies read, loaded once each. */
  #models: ReadonlyMap<string, LoadedModel> = new Map();
  #reloadAgain = false;
  #stopped = false;
  /** Distinguishes this engine process's own consumer group on `strategy.events`. */
  readonly instanceId = randomUUID().slice(0, 8);

  readonly #onStored: ((signals: readonly Signal[], closedAtEpochMs: number | null) => void) | undefined;

  constructor(options: {
    db: Db;
    store: CandleStore;
    bus: EventBus;
    distributor: SignalDistributor;
    log: Log;
    /** Called with each candle's newly stored signals and when the candle closed (null on catch-up): metrics. */
    onStored?: (signals: readonly Signal[], closedAtEpochMs: number | null) => void;
  }) {
    this.#onStored = options.onStored;
    this.#db = options.db;
    this.#store = options.store;
    this.#bus = options.bus;
    this.#distributor = options.distributor;
    this.#log = options.log;
  }

  /**
   * Loads the running strategy versions, catches up with the stored candles, then starts consuming. Every engine
   * process has its own consumer group on `strategy.events` (each must see every change), and compares its set
   * with the committed changes a few times a second, so a change whose event was lost still takes effect.
   */
  async start(groupPrefix = 'alphintra'): Promise<void> {
    this.#progressName = `${groupPrefix}.engine`;
    await this.reloadStrategies();
    await this.#catchUp();
    this.#timers.push(
      setInterval(() => void this.#saveProgress(), PROGRESS_EVERY_MS),
      setInterval(() => void this.#reconcile(), RECONCILE_EVERY_MS),
      setInterval(() => void this.#saveStats(), STATS_EVERY_MS),
    );
    this.#consumers.push(
      await this.#bus.consume({
        groupId: `${groupPrefix}.engine.strategy-events.${this.instanceId}`,
        topics: [TOPICS.strategyEvents],
        handler: () => this.reloadStrategies(),
      }),
      await this.#bus.consume({
        groupId: `${groupPrefix}.engine`,
        topics: [TOPICS.candles],
        handler: (message) => this.#onCandle(message),
      }),
    );
  }

  /**
   * Re-reads the running strategy versions; the engine applies them from the next candle. Reloads never overlap:
   * one asked for while another runs happens right after it, so the last committed state always wins.
   */
  reloadStrategies(): Promise<void> {
    if (this.#reloading !== null) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        await this.#reload();
      } while (this.#reloadAgain && !this.#stopped);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  async #reload(): Promise<void> {
    const [seq, specs] = await retryForever(
      'loading running strategies',
      async () => {
        // The change first: the versions read after it reflect it at least (a newer one only reloads again).
        const seq = await latestStrategyChange(this.#db);
        const [running, ended] = await Promise.all([
          runningStrategySpecs(this.#db),
          endedStrategyRuns(this.#db, this.#progressName),
        ]);
        return [seq, [...running, ...ended]] as const;
      },
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
    // The model versions the documents pin, from the database; one that cannot be had leaves its strategies out.
    const models = await retryForever(
      'loading models',
      () => loadModels(this.#db, specs, this.#models, (message, error) => this.#log.warn(message, error)),
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
    const unused = [...this.#models].filter(([key, model]) => models.get(key) !== model).map(([, model]) => model);
    this.#models = models;
    for (const rejected of this.engine.setStrategies(specs, models)) {
      this.#log.warn(
        `strategy ${rejected.id} v${rejected.version} not run: ${rejected.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      );
    }
    this.#changeSeq = Math.max(this.#changeSeq, seq);
    for (const model of unused) {
      model.release().catch((error: unknown) => this.#log.warn(`releasing model ${model.name} failed`, error));
    }
  }

  /** Reloads when a change was committed that this engine has not applied (its event lost or late). */
  async #reconcile(): Promise<void> {
    try {
      if ((await latestStrategyChange(this.#db)) > this.#changeSeq) await this.reloadStrategies();
    } catch (error) {
      if (!this.#stopped) this.#log.warn('checking for strategy changes failed', error);
    }
  }

  /** Each running version's figures (evaluations, timing, errors, state) for `Strategy.stats`. */
  async #saveStats(): Promise<void> {
    // Only what this engine ran: another engine process holding the other symbols must not be overwritten with zeros.
    const stats = this.engine.versionStats().filter((s) => s.evaluations > 0 || s.errors > 0);
    if (stats.length === 0) return;
    try {
      await saveStrategyVersionStats(
        this.#db,
        stats.map((s) => ({
          strategyId: s.id,
          version: s.version,
          evaluations: s.evaluations,
          evalP50Ms: s.p50Ms,
          evalP99Ms: s.p99Ms,
          errors: s.errors,
          lastError: s.lastError,
          state: s.state,
        })),
      );
    } catch (error) {
      if (!this.#stopped) this.#log.warn('saving strategy statistics failed', error);
    }
  }

  async #onCandle(message: BusMessage): Promise<void> {
    let parsed: CandleMessage;
    try {
      parsed = JSON.parse(message.value) as CandleMessage;
    } catch (error) {
      // A record that can never be processed is skipped, not retried forever (it would block its partition).
      this.#log.error(`skipped unreadable ${message.topic} record at ${message.partition}/${message.offset}`, error);
      return;
    }
    const { closedAtEpochMs, ...candle } = parsed;
    const key = progressKey(candle.symbol, candle.interval);
    const last = this.#last.get(key);
    if (last !== undefined && candle.openTime <= last) return;
    const length = INTERVALS[candle.interval];
    if (last === undefined) {
      // A series new to this process. Another engine of the group may have evaluated it up to a point (the
      // partition moved here in a rebalance): warm up to that point, evaluate what followed. Otherwise its stored
      // history is warm-up only.
      const done = await this.#progressOf(key);
      const history = await this.#stored(candle.symbol, candle.interval, undefined, candle.openTime);
      await this.#warm(done === undefined ? history : history.filter((c) => c.openTime <= done));
      if (done !== undefined) {
        for (const missed of history) if (missed.openTime > done) await this.#evaluate(missed, null);
      }
    } else if (candle.openTime > last + length) {
      // Candles stored but never notified (a crash between the store and the bus): evaluated, in order.
      for (const missed of await this.#stored(candle.symbol, candle.interval, last + 1, candle.openTime)) {
        await this.#evaluate(missed, null);
      }
    }
    await this.#evaluate(candle, closedAtEpochMs);
  }

  /** The group's saved progress of one series (shared by every engine process of the group). */
  async #progressOf(key: string): Promise<number | undefined> {
    const progress = await retryForever(
      'loading engine progress',
      () => loadEngineProgress(this.#db, this.#progressName),
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
    return progress.get(key);
  }

  /** Runs one candle and distributes its signals; then it counts as evaluated. */
  async #evaluate(candle: Candle, closedAtEpochMs: number | null): Promise<void> {
    const key = progressKey(candle.symbol, candle.interval);
    const last = this.#last.get(key);
    if (last !== undefined && candle.openTime <= last) return;
    const signals = await this.engine.process(candle);
    if (signals.length > 0) {
      const latencyMs =
        closedAtEpochMs === null ? null : Math.max(0, performance.timeOrigin + performance.now() - closedAtEpochMs);
      const stored = await this.#distributor.distribute(signals.map((s) => ({ ...s, latencyMs })));
      this.#onStored?.(stored, closedAtEpochMs);
    }
    this.#last.set(key, candle.openTime);
    this.#unsaved.set(key, { symbol: candle.symbol, interval: candle.interval, lastOpenTime: candle.openTime });
  }

  /** Feeds candles to the engine without signalling (their signals, if any, were given before). */
  async #warm(candles: readonly Candle[]): Promise<void> {
    for (const candle of candles) {
      await this.engine.process(candle);
      this.#last.set(progressKey(candle.symbol, candle.interval), candle.openTime);
    }
  }

  /** Every series this engine has evaluated before: warm up to its progress, then evaluate what followed. */
  async #catchUp(): Promise<void> {
    const progress = await retryForever(
      'loading engine progress',
      () => loadEngineProgress(this.#db, this.#progressName),
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
    let evaluated = 0;
    for (const [key, lastOpenTime] of progress) {
      const [symbol = '', interval = ''] = key.split('\u0000');
      if (!(interval in INTERVALS)) continue;
      const candles = await this.#stored(symbol, interval as Interval, undefined, undefined);
      await this.#warm(candles.filter((c) => c.openTime <= lastOpenTime));
      this.#last.set(key, lastOpenTime);
      for (const candle of candles) {
        if (candle.openTime <= lastOpenTime) continue;
        await this.#evaluate(candle, null);
        evaluated++;
      }
    }
    if (progress.size > 0) {
      this.#log.info(`resumed ${progress.size} series from the candle store; ${evaluated} stored candles evaluated`);
    }
  }

  #stored(symbol: string, interval: Interval, from: number | undefined, to: number | undefined): Promise<Candle[]> {
    return retryForever(
      `reading stored ${symbol} ${interval} candles`,
      () =>
        this.#store.query({
          symbol,
          interval,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        }),
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
  }

  async #saveProgress(): Promise<void> {
    if (this.#unsaved.size === 0) return;
    const rows = [...this.#unsaved.values()];
    this.#unsaved.clear();
    try {
      await saveEngineProgress(this.#db, this.#progressName, rows);
    } catch (error) {
      // Kept for the next round; progress only moves forward, so a late save is harmless.
      for (const row of rows) {
        const key = progressKey(row.symbol, row.interval);
        if (!this.#unsaved.has(key)) this.#unsaved.set(key, row);
      }
      if (!this.#stopped) this.#log.warn('saving engine progress failed; retrying', error);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#consumers.map((c) => c.close()));
    for (const timer of this.#timers) clearInterval(timer);
    await this.#saveProgress();
    await this.#saveStats();
  }
}
