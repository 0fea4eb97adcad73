import type { Interval, Signal, SignalOutcome } from '@alphintra/core';
import { and, asc, eq, gt, gte, inArray, lt, lte, max, ne, notExists, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client.ts';
import { type SignalOutcomeRow, signalOutcomes } from '../schema/outcomes.ts';
import { signals } from '../schema/signals.ts';
import { strategyVersions } from '../schema/strategies.ts';
import { type StoredSignal, signalFromRow } from './signals.ts';

/** A closed outcome as stored: with its delivery sequence (the outcome outbox order); `id` is the signal's. */
export interface StoredOutcome extends SignalOutcome {
  readonly id: string;
  readonly seq: number;
}

/** An outcome to store, with the interval its signal is followed on. */
export interface OutcomeWrite {
  readonly outcome: SignalOutcome;
  readonly interval: Interval;
}

/** A live signal whose outcome is still open, with its place in the outbox and the interval it is followed on. */
export interface OpenSignal {
  readonly signal: StoredSignal;
  readonly interval: Interval;
}

/** A live signal of a version and its outcome (OPEN while open, or while the outcome service has not seen it). */
export interface SignalWithOutcome {
  readonly signal: Signal;
  readonly outcome: SignalOutcome;
}

/** Maps a stored row to the engine's `SignalOutcome`. */
export function outcomeFromRow(row: SignalOutcomeRow): SignalOutcome {
  return {
    signalId: row.signalId,
    strategyId: row.strategyId,
    strategyVersion: row.strategyVersion,
    symbol: row.symbol,
    action: row.action,
    status: row.status,
    openedAt: row.openedAt.getTime(),
    entryPrice: Number(row.entryPrice),
    closedAt: row.closedAt === null ? null : row.closedAt.getTime(),
    exitPrice: row.exitPrice === null ? null : Number(row.exitPrice),
    returnPct: row.returnPct,
  };
}

/** The OPEN outcome of a signal nothing has closed (yet). */
export function openOutcomeOf(signal: Signal): SignalOutcome {
  return {
    signalId: signal.id,
    strategyId: signal.strategyId,
    strategyVersion: signal.strategyVersion,
    symbol: signal.symbol,
    action: signal.action,
    status: 'OPEN',
    openedAt: signal.timestamp,
    entryPrice: Number(signal.priceTarget),
    closedAt: null,
    exitPrice: null,
    returnPct: null,
  };
}

/** A `double precision` for JSON: NaN and ±Infinity as the text PostgreSQL reads them from. */
function float(value: number | null): number | string | null {
  return value === null || Number.isFinite(value) ? value : String(value);
}

/**
 * Stores outcomes in one transaction, serialized by the outcome outbox lock so that `signal_outcomes.seq` order is
 * commit order: an OPEN one is inserted unless its signal has a row already; a closed one
 * inserts or closes the row (only an OPEN row: a closed outcome never changes) and gives it its place in the outcome
 * outbox (`seq`). Returns the signal ids of the outcomes closed by this call, so a redelivery closes nothing twice.
 * The outcome service writes closed outcomes only: an open one is its signal without a row.
 */
export async function saveOutcomes(db: Db, writes: readonly OutcomeWrite[]): Promise<string[]> {
  if (writes.length === 0) return [];
  const json = JSON.stringify(
    writes.map(({ outcome, interval }) => ({
      signal_id: outcome.signalId,
      strategy_id: outcome.strategyId,
      strategy_version: outcome.strategyVersion,
      symbol: outcome.symbol,
      interval,
      action: outcome.action,
      status: outcome.status,
      opened_at: new Date(outcome.openedAt).toISOString(),
      entry_price: String(outcome.entryPrice),
      closed_at: outcome.closedAt === null ? null : new Date(outcome.closedAt).toISOString(),
      exit_price: outcome.exitPrice === null ? null : String(outcome.exitPrice),
      return_pct: float(outcome.returnPct),
    })),
  );
  // One statement, so one round trip: `save_outcomes` (migration 0012) takes the outcome outbox lock and upserts.
  const rows = rowsOf<{ signal_id: string; status: string }>(
    await db.execute(sql`
      select saved_signal_id as signal_id, saved_status as status from save_outcomes(${json}::json)`),
  );
  return rows.filter((row) => row.status !== 'OPEN').map((row) => row.signal_id);
}

/**
 * The live signals with a sequence in (`afterSeq`, `throughSeq`] and no closed outcome, in outbox order, each with
 * the interval of its strategy version (a signal whose version has none is not followed, so not here): what the
 * outcome service still follows after a restart, between its two cursors. An OPEN row of an earlier version counts
 * as no row.
 */
export async function openOutcomeSignals(
  db: Db,
  params: { readonly afterSeq: number; readonly throughSeq: number },
): Promise<OpenSignal[]> {
  if (params.throughSeq <= params.afterSeq) return [];
  const closed = db
    .select({ one: sql`1` })
    .from(signalOutcomes)
    .where(and(eq(signalOutcomes.signalId, signals.id), ne(signalOutcomes.status, 'OPEN')));
  const rows = await db
    .select({ signal: signals, interval: strategyVersions.interval })
    .from(signals)
    .innerJoin(
      strategyVersions,
      and(eq(strategyVersions.strategyId, signals.strategyId), eq(strategyVersions.version, signals.strategyVersion)),
    )
    .where(
      and(
        gt(signals.seq, params.afterSeq),
        lte(signals.seq, params.throughSeq),
        eq(signals.shadow, false),
        notExists(closed),
      ),
    )
    .orderBy(asc(signals.seq));
  return rows.map((row) => ({
    signal: { ...signalFromRow(row.signal), seq: row.signal.seq },
    interval: row.interval as Interval,
  }));
}

/** The interval of each (strategy id, version) asked, keyed `<id>|<version>`: what its signals are followed on. */
export async function versionIntervals(
  db: Db,
  versions: readonly { readonly strategyId: string; readonly version: number }[],
): Promise<Map<string, Interval>> {
  if (versions.length === 0) return new Map();
  const ids = [...new Set(versions.map((v) => v.strategyId))];
  const rows = await db
    .select({
      strategyId: strategyVersions.strategyId,
      version: strategyVersions.version,
      interval: strategyVersions.interval,
    })
    .from(strategyVersions)
    .where(inArray(strategyVersions.strategyId, ids));
  return new Map(rows.map((row) => [`${row.strategyId}|${row.version}`, row.interval as Interval]));
}

/** Closed outcomes after `afterSeq` in delivery order, at most `limit`: the outcome outbox. */
export async function readOutcomeOutbox(db: Db, params: { afterSeq: number; limit: number }): Promise<StoredOutcome[]> {
  const rows = await db
    .select()
    .from(signalOutcomes)
    .where(sql`${signalOutcomes.seq} > ${params.afterSeq}`)
    .orderBy(signalOutcomes.seq)
    .limit(params.limit);
  return rows.map((row) => ({ ...outcomeFromRow(row), id: row.signalId, seq: row.seq ?? 0 }));
}

/** The highest outcome delivery sequence stored (0 when no outcome has closed). */
export async function latestOutcomeSeq(db: Db): Promise<number> {
  const [row] = await db.select({ seq: max(signalOutcomes.seq) }).from(signalOutcomes);
  return row?.seq ?? 0;
}

/** A stored outcome with its exit price as stored: the exact decimal text (a level, an open or a close). */
export interface OutcomeRecord extends SignalOutcome {
  readonly exitPriceDecimal: string | null;
}

/** Stored outcomes by signal id, in the order of `ids` (`undefined` where the signal has no outcome row). */
export async function getOutcomes(db: Db, ids: readonly string[]): Promise<(OutcomeRecord | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(signalOutcomes)
    .where(inArray(signalOutcomes.signalId, [...ids]));
  const byId = new Map(rows.map((row) => [row.signalId, { ...outcomeFromRow(row), exitPriceDecimal: row.exitPrice }]));
  return ids.map((id) => byId.get(id));
}

/**
 * The live signals of one strategy version with market time in [`from`, `to`) (epoch ms), oldest first (by time,
 * then id), each with its outcome: what `Strategy.performance` summarizes. A signal the outcome service has not
 * stored an outcome for yet is OPEN.
 */
export async function liveSignalOutcomes(
  db: Db,
  params: { strategyId: string; version: number; from: number; to: number },
): Promise<SignalWithOutcome[]> {
  const rows = await db
    .select({ signal: signals, outcome: signalOutcomes })
    .from(signals)
    .leftJoin(signalOutcomes, eq(signalOutcomes.signalId, signals.id))
    .where(
      and(
        eq(signals.strategyId, params.strategyId),
        eq(signals.shadow, false),
        eq(signals.strategyVersion, params.version),
        gte(signals.timestamp, new Date(params.from)),
        lt(signals.timestamp, new Date(params.to)),
      ),
    )
    .orderBy(asc(signals.timestamp), asc(signals.id));
  return rows.map((row) => {
    const signal = signalFromRow(row.signal);
    return { signal, outcome: row.outcome === null ? openOutcomeOf(signal) : outcomeFromRow(row.outcome) };
  });
}
