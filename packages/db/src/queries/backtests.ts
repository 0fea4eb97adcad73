import {
  type Interval,
  isUuid,
  type Signal,
  type SignalOutcome,
  type StrategyDocument,
  type StrategySource,
} from '@alphintra/core';
import { and, asc, count, desc, eq, gt, inArray, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import {
  type BacktestRow,
  type BacktestSignalRow,
  type BacktestStatus,
  backtestSignals,
  backtests,
} from '../schema/backtests.ts';
import { signals } from '../schema/signals.ts';
import { signalFromRow } from './signals.ts';
import type { Page } from './strategies.ts';

export { BACKTEST_STATUSES, type BacktestStatus } from '../schema/backtests.ts';

/** A backtest job as the API shows it. */
export interface BacktestRecord {
  readonly id: string;
  readonly owner: string;
  readonly strategyId: string;
  /** 0 for an inline document. */
  readonly strategyVersion: number;
  readonly strategyName: string;
  readonly strategySource: StrategySource;
  readonly interval: Interval;
  readonly document: StrategyDocument;
  readonly symbols: readonly string[];
  readonly from: Date;
  readonly to: Date;
  readonly feeBps: number;
  readonly slippageBps: number;
  readonly status: BacktestStatus;
  readonly candlesDone: number;
  readonly candlesTotal: number | null;
  readonly signalCount: number;
  readonly error: string | null;
  readonly summary: Record<string, number | null> | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** What `createBacktest` stores. */
export interface NewBacktest {
  readonly owner: string;
  readonly strategyId: string;
  readonly strategyVersion: number;
  readonly strategyName: string;
  readonly strategySource: StrategySource;
  readonly interval: Interval;
  readonly document: StrategyDocument;
  readonly symbols: readonly string[];
  readonly from: Date;
  readonly to: Date;
  readonly feeBps: number;
  readonly slippageBps: number;
}

/** A backtest signal with its outcome (null until followed). */
export interface BacktestSignalRecord {
  readonly signal: Signal;
  readonly outcome: SignalOutcome | null;
}

/** The owner has as many QUEUED and RUNNING jobs as allowed. */
export class BacktestLimitError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`at most ${limit} backtests may be queued or running at once per user; wait for one to end or cancel one`);
    this.name = 'BacktestLimitError';
    this.limit = limit;
  }
}

const ACTIVE: BacktestStatus[] = ['QUEUED', 'RUNNING'];

function toRecord(row: BacktestRow): BacktestRecord {
  return {
    id: row.id,
    owner: row.owner,
    strategyId: row.strategyId,
    strategyVersion: row.strategyVersion,
    strategyName: row.strategyName,
    strategySource: row.strategySource,
    interval: row.interval as Interval,
    document: row.document,
    symbols: row.symbols,
    from: row.from,
    to: row.to,
    feeBps: row.feeBps,
    slippageBps: row.slippageBps,
    status: row.status,
    candlesDone: row.candlesDone,
    candlesTotal: row.candlesTotal,
    signalCount: row.signalCount,
    error: row.error,
    summary: row.summary,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/**
 * Queues a backtest unless its owner already has `maxActive` QUEUED or RUNNING ones (BacktestLimitError). The
 * count and the insert are serialized per owner by a transaction-scoped advisory lock, so two calls at once cannot
 * both pass the bound. Call it inside the mutation's transaction.
 */
export async function createBacktest(db: Db, input: NewBacktest, maxActive: number): Promise<BacktestRecord> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`backtests:${input.owner}`}))`);
  const [active] = await db
    .select({ n: count() })
    .from(backtests)
    .where(and(eq(backtests.owner, input.owner), inArray(backtests.status, ACTIVE)));
  if ((active?.n ?? 0) >= maxActive) throw new BacktestLimitError(maxActive);
  const [row] = await db
    .insert(backtests)
    .values({ ...input, symbols: [...input.symbols] })
    .returning();
  if (!row) throw new Error('the backtest was not stored');
  return toRecord(row);
}

/** Backtests by id, in the order of `ids` (undefined where there is none): a DataLoader batch. */
export async function getBacktests(db: Db, ids: readonly string[]): Promise<(BacktestRecord | undefined)[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return ids.map(() => undefined);
  const rows = await db.select().from(backtests).where(inArray(backtests.id, valid));
  const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
  return ids.map((id) => byId.get(id));
}

/** Backtests, newest first; of one owner when `owner` is given. */
export async function listBacktests(
  db: Db,
  params: { readonly owner?: string | undefined; readonly first: number },
): Promise<BacktestRecord[]> {
  const rows = await db
    .select()
    .from(backtests)
    .where(params.owner === undefined ? undefined : eq(backtests.owner, params.owner))
    .orderBy(desc(backtests.createdAt), desc(backtests.id))
    .limit(params.first);
  return rows.map(toRecord);
}

/**
 * Cancels a QUEUED or RUNNING job (a runner sees it at its next page and stops); returns the job as it is after
 * the call, so a job that had already ended comes back unchanged. Undefined when there is no such job.
 */
export async function cancelBacktest(db: Db, id: string, now: Date): Promise<BacktestRecord | undefined> {
  const [cancelled] = await db
    .update(backtests)
    .set({ status: 'CANCELLED', finishedAt: now, leaseUntil: null })
    .where(and(eq(backtests.id, id), inArray(backtests.status, ACTIVE)))
    .returning();
  if (cancelled) return toRecord(cancelled);
  const [existing] = await getBacktests(db, [id]);
  return existing;
}

/**
 * Takes the oldest QUEUED job for a runner: RUNNING, leased until `leaseUntil`. `for update skip locked`, so
 * runners in several processes never take the same job. Null when none is queued.
 */
export async function claimBacktest(db: Db, now: Date, leaseUntil: Date): Promise<BacktestRecord | null> {
  const picked = db
    .select({ id: backtests.id })
    .from(backtests)
    .where(eq(backtests.status, 'QUEUED'))
    .orderBy(asc(backtests.createdAt), asc(backtests.id))
    .limit(1)
    .for('update', { skipLocked: true });
  const [row] = await db
    .update(backtests)
    .set({ status: 'RUNNING', startedAt: now, leaseUntil })
    .where(inArray(backtests.id, picked))
    .returning();
  return row ? toRecord(row) : null;
}

/**
 * Records a RUNNING job's progress and renews its lease. Returns false when the job is no longer RUNNING (it was
 * cancelled, or failed by another runner after its lease ran out): the runner stops.
 */
export async function reportBacktestProgress(
  db: Db,
  id: string,
  progress: { readonly candlesDone: number; readonly candlesTotal: number; readonly leaseUntil: Date },
): Promise<boolean> {
  const rows = await db
    .update(backtests)
    .set(progress)
    .where(and(eq(backtests.id, id), eq(backtests.status, 'RUNNING')))
    .returning({ id: backtests.id });
  return rows.length > 0;
}

/** Stores a page of a job's signals with their outcomes; a signal stored already is left as it is. */
export async function insertBacktestSignals(
  db: Db,
  backtestId: string,
  rows: readonly BacktestSignalRecord[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(backtestSignals)
    .values(
      rows.map(({ signal, outcome }) => ({
        backtestId,
        id: signal.id,
        timestamp: new Date(signal.timestamp),
        symbol: signal.symbol,
        signal,
        outcome,
      })),
    )
    .onConflictDoNothing();
}

/**
 * Ends a RUNNING job with its final status, error and summary; false when it was not RUNNING any more (a cancel
 * came first: the cancel stands).
 */
export async function finishBacktest(
  db: Db,
  id: string,
  end: {
    readonly status: 'SUCCEEDED' | 'FAILED';
    readonly error?: string | null;
    readonly summary?: Record<string, number | null> | null;
    readonly signalCount?: number;
    readonly candlesDone?: number;
    readonly now: Date;
  },
): Promise<boolean> {
  const rows = await db
    .update(backtests)
    .set({
      status: end.status,
      error: end.error ?? null,
      summary: end.summary ?? null,
      ...(end.signalCount === undefined ? {} : { signalCount: end.signalCount }),
      ...(end.candlesDone === undefined ? {} : { candlesDone: end.candlesDone }),
      finishedAt: end.now,
      leaseUntil: null,
    })
    .where(and(eq(backtests.id, id), eq(backtests.status, 'RUNNING')))
    .returning({ id: backtests.id });
  return rows.length > 0;
}

/** Puts a RUNNING job back in the queue (its runner is stopping cleanly): it starts over in the next runner. */
export async function requeueBacktest(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(backtests)
    .set({ status: 'QUEUED', startedAt: null, leaseUntil: null, candlesDone: 0 })
    .where(and(eq(backtests.id, id), eq(backtests.status, 'RUNNING')))
    .returning({ id: backtests.id });
  return rows.length > 0;
}

/**
 * Fails the RUNNING jobs whose lease ran out before `now` (their runner's process died): never left RUNNING.
 * `running`, the jobs the caller runs itself, are alive whatever their lease says and are left alone. Returns the
 * ids of the jobs failed.
 */
export async function failAbandonedBacktests(
  db: Db,
  now: Date,
  error: string,
  running: readonly string[] = [],
): Promise<string[]> {
  const rows = await db
    .update(backtests)
    .set({ status: 'FAILED', error, finishedAt: now, leaseUntil: null })
    .where(
      and(
        eq(backtests.status, 'RUNNING'),
        lt(backtests.leaseUntil, now),
        running.length > 0 ? notInArray(backtests.id, [...running]) : undefined,
      ),
    )
    .returning({ id: backtests.id });
  return rows.map((row) => row.id);
}

/** Renews the leases of the RUNNING jobs among `ids` (a runner's own, between their progress reports). */
export async function renewBacktestLeases(db: Db, ids: readonly string[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(backtests)
    .set({ leaseUntil })
    .where(and(eq(backtests.status, 'RUNNING'), inArray(backtests.id, [...ids])));
}

function signalCursor(row: Pick<BacktestSignalRow, 'timestamp' | 'id'>): string {
  return encodeCursor([row.timestamp.getTime(), row.id]);
}

/** A page of a job's signals, oldest first (by timestamp, then id). */
export async function listBacktestSignals(
  db: Db,
  backtestId: string,
  params: { readonly first: number; readonly after?: string | null | undefined },
): Promise<Page<BacktestSignalRecord>> {
  let after: [number, string] | null = null;
  if (params.after != null) {
    const parts = decodeCursor(params.after);
    if (parts === null || parts.length !== 2 || typeof parts[0] !== 'number' || typeof parts[1] !== 'string') {
      throw new InvalidCursorError(params.after);
    }
    after = [parts[0], parts[1]];
  }
  const afterTime = after === null ? null : new Date(after[0]);
  const rows = await db
    .select()
    .from(backtestSignals)
    .where(
      and(
        eq(backtestSignals.backtestId, backtestId),
        after === null || afterTime === null
          ? undefined
          : or(
              gt(backtestSignals.timestamp, afterTime),
              and(eq(backtestSignals.timestamp, afterTime), gt(backtestSignals.id, after[1])),
            ),
      ),
    )
    .orderBy(asc(backtestSignals.timestamp), asc(backtestSignals.id))
    .limit(params.first + 1);
  const page = rows.slice(0, params.first);
  return {
    items: page.map((row) => ({ node: { signal: row.signal, outcome: row.outcome }, cursor: signalCursor(row) })),
    hasNextPage: rows.length > params.first,
  };
}

/**
 * The stored live (not shadow) signals of one strategy version on the candles opening in `[from, to)` (so
 * `from < timestamp <= to`, a signal's time being its candle's close), oldest first: what `Strategy.performance`
 * sets beside a backtest of the version.
 */
export async function liveVersionSignals(
  db: Db,
  params: { readonly strategyId: string; readonly version: number; readonly from: number; readonly to: number },
): Promise<Signal[]> {
  if (!isUuid(params.strategyId)) return [];
  const rows = await db
    .select()
    .from(signals)
    .where(
      and(
        eq(signals.strategyId, params.strategyId),
        eq(signals.shadow, false),
        eq(signals.strategyVersion, params.version),
        gt(signals.timestamp, new Date(params.from)),
        lte(signals.timestamp, new Date(params.to)),
      ),
    )
    .orderBy(asc(signals.timestamp), asc(signals.id));
  return rows.map(signalFromRow);
}
