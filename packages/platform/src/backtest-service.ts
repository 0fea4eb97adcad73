import {
  type BacktestProgressMessage,
  backtestChannel,
  type CandleStore,
  INTERVALS,
  type StrategySpec,
} from '@alphintra/core';
import {
  type BacktestRecord,
  claimBacktest,
  type Db,
  failAbandonedBacktests,
  finishBacktest,
  insertBacktestSignals,
  pinnedModel,
  renewBacktestLeases,
  reportBacktestProgress,
  requeueBacktest,
} from '@alphintra/db';
import { BACKTEST_WARMUP_CANDLES, type BacktestPlan, followWindowMs } from '@alphintra/engine';
import type { ModelFile } from '@alphintra/engine/onnx';
import type { PubSubEngine } from 'graphql-subscriptions';
import { type BacktestExecutor, BacktestThread, InlineBacktest } from './backtest-thread.ts';
import type { Log } from './log.ts';

/** How the backtest runner works (`BACKTEST_*`). */
export interface BacktestRunnerSettings {
  /** Jobs one process runs at once, each in a worker thread (`BACKTEST_CONCURRENCY`). */
  readonly concurrency: number;
  /** Candles per page read from the store and handed to the worker (`BACKTEST_PAGE_CANDLES`). */
  readonly pageCandles: number;
  /** How long a RUNNING job's lease lasts without progress before another runner fails it (`BACKTEST_LEASE_MS`). */
  readonly leaseMs: number;
  /** How often the runner looks for queued jobs and abandoned ones (`BACKTEST_POLL_MS`). */
  readonly pollMs: number;
  /** Run each job in a worker thread (`BACKTEST_THREADS`); false runs it in the runner's own thread. */
  readonly threads: boolean;
  /**
   * Least time between two progress messages of a job (`BACKTEST_PROGRESS_MS`); its end is always published. Pages
   * can take under a millisecond, and a message per page would flood every subscriber.
   */
  readonly progressMs: number;
}

export const DEFAULT_BACKTEST_RUNNER_SETTINGS: BacktestRunnerSettings = {
  concurrency: 1,
  pageCandles: 5_000,
  leaseMs: 30_000,
  pollMs: 500,
  threads: true,
  progressMs: 200,
};

/** Backtest signals per insert statement. */
const SIGNALS_PER_INSERT = 500;

/** What a job's `error` says when its runner's process died mid-job. */
export const ABANDONED_ERROR = 'the runner stopped before the job ended (its lease ran out); run the backtest again';

/** Options of {@link BacktestService}. */
export interface BacktestServiceOptions {
  readonly db: Db;
  /** Where the candles come from: the store the market data service writes. */
  readonly store: CandleStore;
  readonly pubsub: PubSubEngine;
  readonly log: Log;
  readonly settings?: Partial<BacktestRunnerSettings>;
  /** Wall clock for leases and timestamps (default `Date.now`). */
  readonly now?: () => number;
}

/** A job this process is running. */
interface Running {
  readonly executor: Pick<BacktestExecutor, 'close'>;
  readonly done: Promise<void>;
}

/**
 * The backtest job runner: takes QUEUED jobs from the database (`for update skip locked`, so runners in several
 * processes share the queue), runs each in a worker thread fed pages of stored candles, publishes its progress on
 * `backtestChannel(id)`, and stores its signals, their outcomes and its summary. It talks to the rest only through
 * the database and the pub/sub, so it can run in a process of its own.
 *
 * A job is never left RUNNING: its lease is renewed at every page and at every poll of its runner, and a runner
 * fails the other runners' jobs whose lease ran out (their process died) with {@link ABANDONED_ERROR}; a runner
 * that stops cleanly puts its jobs back in the queue, where they start over. A cancelled job is seen at the runner's next page, and its worker is terminated.
 */
export class BacktestService {
  readonly #db: Db;
  readonly #store: CandleStore;
  readonly #pubsub: PubSubEngine;
  readonly #log: Log;
  readonly #settings: BacktestRunnerSettings;
  readonly #now: () => number;
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  #stopped = true;

  constructor(options: BacktestServiceOptions) {
    this.#db = options.db;
    this.#store = options.store;
    this.#pubsub = options.pubsub;
    this.#log = options.log;
    this.#settings = { ...DEFAULT_BACKTEST_RUNNER_SETTINGS, ...options.settings };
    this.#now = options.now ?? Date.now;
  }

  /** Ids of the jobs this process is running now. */
  get running(): readonly string[] {
    return [...this.#running.keys()];
  }

  /** Fails the jobs abandoned by a dead process, then takes queued jobs every `pollMs` (and on `wake`). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#tick();
    this.#timer = setInterval(() => this.wake(), this.#settings.pollMs);
  }

  /** Looks for queued jobs now (a job was just queued in this process). */
  wake(): void {
    if (this.#stopped || this.#ticking !== null) return;
    this.#ticking = this.#tick()
      .catch((error: unknown) => this.#log.warn('backtest runner: could not poll the queue', error))
      .finally(() => {
        this.#ticking = null;
      });
  }

  /** Stops taking jobs; the jobs running are stopped and queued again, to start over in the next runner. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
    const running = [...this.#running.entries()];
    await Promise.all(running.map(([, job]) => job.executor.close()));
    await Promise.all(running.map(([, job]) => job.done));
  }

  async #tick(): Promise<void> {
    // This process's jobs are alive whatever their lease says (a worker slow to start, a long page, a busy event
    // loop): their leases are renewed at every poll too, and only another process's jobs can run out.
    const mine = [...this.#running.keys()];
    await renewBacktestLeases(this.#db, mine, this.#leaseUntil());
    const now = new Date(this.#now());
    const abandoned = await failAbandonedBacktests(this.#db, now, ABANDONED_ERROR, mine);
    for (const id of abandoned) {
      this.#log.warn(`backtest ${id} failed: ${ABANDONED_ERROR}`);
      await this.#publish({ id, status: 'FAILED', candlesDone: 0, candlesTotal: null });
    }
    while (!this.#stopped && this.#running.size < this.#settings.concurrency) {
      const job = await claimBacktest(this.#db, new Date(this.#now()), this.#leaseUntil());
      if (job === null) return;
      this.#run(job);
    }
  }

  #leaseUntil(): Date {
    return new Date(this.#now() + this.#settings.leaseMs);
  }

  async #publish(message: BacktestProgressMessage): Promise<void> {
    await this.#pubsub
      .publish(backtestChannel(message.id), message)
      .catch((error: unknown) => this.#log.warn(`backtest ${message.id}: progress not published`, error));
  }

  #run(job: BacktestRecord): void {
    const spec: StrategySpec = {
      id: job.strategyId,
      name: job.strategyName,
      version: job.strategyVersion,
      source: job.strategySource,
      symbols: job.symbols,
      interval: job.interval,
      document: job.document,
      status: 'ACTIVE',
      mode: 'LIVE',
      activatedAt: null,
    };
    const plan: BacktestPlan = { spec, from: job.from.getTime(), to: job.to.getTime() };
    let executor: BacktestExecutor | null = null;
    const opened = modelFilesOf(this.#db, spec).then((models) => {
      executor = this.#settings.threads ? new BacktestThread(plan, models) : new InlineBacktest(plan, models);
      return executor;
    });
    const done = opened
      .then((started) => this.#execute(job, plan, started))
      .catch((error: unknown) => this.#fail(job, error))
      .finally(async () => {
        this.#running.delete(job.id);
        await (executor as BacktestExecutor | null)?.close().catch(() => {});
        this.wake();
      });
    this.#running.set(job.id, { executor: lazyExecutor(opened), done });
  }

  async #fail(job: BacktestRecord, error: unknown): Promise<void> {
    if (this.#stopped) {
      // Stopped mid-job (the worker was terminated): back in the queue, to start over.
      await this.#requeue(job);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#log.warn(`backtest ${job.id} failed`, error);
    const ended = await finishBacktest(this.#db, job.id, {
      status: 'FAILED',
      error: message,
      now: new Date(this.#now()),
    }).catch(() => false);
    if (ended) await this.#publish({ id: job.id, status: 'FAILED', candlesDone: 0, candlesTotal: null });
  }

  async #requeue(job: BacktestRecord): Promise<void> {
    await requeueBacktest(this.#db, job.id).catch((error: unknown) =>
      this.#log.warn(`backtest ${job.id}: could not queue it again`, error),
    );
  }

  /**
   * Runs one job: per symbol, the warm-up candles before `from`, then `[from, to)` a page at a time (each page a
   * progress report that renews the lease and finds out about a cancel), then the candles after `to` that its
   * signals still open may need; then the signals with their outcomes and the summary are stored.
   */
  async #execute(job: BacktestRecord, plan: BacktestPlan, executor: BacktestExecutor): Promise<void> {
    const { interval } = plan.spec;
    const step = INTERVALS[interval];
    const pageMs = this.#settings.pageCandles * step;
    const slots = Math.ceil((plan.to - plan.from) / step);
    const candlesTotal = slots * job.symbols.length;
    const follow = followWindowMs(plan.spec);
    let candlesDone = 0;
    let publishedAt = Number.NEGATIVE_INFINITY;
    // Every page renews the lease and finds out about a cancel; the pub/sub hears of it every `progressMs` at most.
    const report = async () => {
      const running = await reportBacktestProgress(this.#db, job.id, {
        candlesDone,
        candlesTotal,
        leaseUntil: this.#leaseUntil(),
      });
      const now = Date.now();
      if (running && now - publishedAt >= this.#settings.progressMs) {
        publishedAt = now;
        await this.#publish({ id: job.id, status: 'RUNNING', candlesDone, candlesTotal });
      }
      return running;
    };
    if (!(await report())) return;
    for (const [index, symbol] of job.symbols.entries()) {
      const warmup = await this.#store.query({ symbol, interval, to: plan.from, last: BACKTEST_WARMUP_CANDLES });
      await executor.feed(warmup);
      for (let from = plan.from; from < plan.to; from += pageMs) {
        const to = Math.min(plan.to, from + pageMs);
        await executor.feed(await this.#store.query({ symbol, interval, from, to }));
        candlesDone = index * slots + Math.ceil((to - plan.from) / step);
        if (this.#stopped) throw new Error('the runner is stopping');
        // A cancel (or another runner's takeover) stops the job here: the worker is terminated by `#run`.
        if (!(await report())) return;
      }
      await executor.feed(await this.#store.query({ symbol, interval, from: plan.to, to: plan.to + follow }));
    }
    const result = await executor.result({ feeBps: job.feeBps, slippageBps: job.slippageBps });
    // The signals and the final status in one transaction: a job cancelled meanwhile keeps no signals.
    const ended = await this.#db.transaction(async (tx) => {
      const finished = await finishBacktest(tx, job.id, {
        status: 'SUCCEEDED',
        summary: { ...result.summary },
        signalCount: result.signals.length,
        candlesDone: candlesTotal,
        now: new Date(this.#now()),
      });
      if (!finished) return false;
      for (let i = 0; i < result.signals.length; i += SIGNALS_PER_INSERT) {
        await insertBacktestSignals(tx, job.id, result.signals.slice(i, i + SIGNALS_PER_INSERT));
      }
      return true;
    });
    if (ended) {
      await this.#publish({ id: job.id, status: 'SUCCEEDED', candlesDone: candlesTotal, candlesTotal });
      this.#log.info(`backtest ${job.id}: ${result.signals.length} signals over ${candlesTotal} candles`);
    }
  }
}

/** The ONNX file of the model version an `AI_ML` document pins (none for a rule strategy). */
async function modelFilesOf(db: Db, spec: StrategySpec): Promise<ModelFile[]> {
  const pin = spec.document.model;
  return pin === undefined ? [] : [await pinnedModel(db, pin)];
}

/** An executor that is still being opened: a cancel closes it once it is there. */
function lazyExecutor(opened: Promise<BacktestExecutor>): Pick<BacktestExecutor, 'close'> {
  return { close: () => opened.then((executor) => executor.close()).catch(() => {}) };
}
