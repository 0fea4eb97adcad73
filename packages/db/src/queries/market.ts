import type { Candle, CandleSeriesFrom, Interval } from '@alphintra/core';
import { and, asc, count, desc, eq, gte, inArray, lt, notInArray, type SQL, sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { type Db, rowsOf } from '../client.ts';
import {
  type CandleRow,
  candles,
  engineProgress,
  type FeedStatusRow,
  feedCursors,
  feedStatus,
  type InstrumentRow,
  instruments,
  type QuarantinedTradeRow,
  quarantinedTrades,
} from '../schema/market.ts';

/** Postgres binds at most 65,535 parameters per statement; inserts go in chunks below it. */
const MAX_PARAMETERS = 65_535;
const CANDLE_COLUMNS = 13;

function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.floor(MAX_PARAMETERS / columns) - 1;
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** `excluded.<column>` of an upsert, under the snake_case name the column has in SQL. */
function excluded(column: PgColumn): SQL {
  // A column declared without a name gets its SQL name from the `snake_case` casing at query time.
  return sql`excluded.${sql.identifier(column.keyAsName ? toSnakeCase(column.name) : column.name)}`;
}

/** Keeps the stored value unless the incoming one is greater: cursors and progress only ever move forward. */
function forward(column: PgColumn): SQL {
  return sql`greatest(${column}, ${excluded(column)})`;
}

// Candles

function candleToRow(candle: Candle): typeof candles.$inferInsert {
  return {
    symbol: candle.symbol,
    interval: candle.interval,
    openTime: new Date(candle.openTime),
    closeTime: new Date(candle.closeTime),
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
    trades: candle.trades,
    source: candle.source,
    complete: candle.complete,
    lastTradeTime: new Date(candle.lastTradeTime),
  };
}

/** Maps a stored row back to the platform's `Candle`. */
export function candleFromRow(row: CandleRow): Candle {
  return {
    symbol: row.symbol,
    interval: row.interval as Interval,
    openTime: row.openTime.getTime(),
    closeTime: row.closeTime.getTime(),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    trades: row.trades,
    source: row.source,
    complete: row.complete,
    lastTradeTime: row.lastTradeTime.getTime(),
  };
}

const seriesKey = (symbol: string, interval: string, openTime: number) => `${symbol}\u0000${interval}\u0000${openTime}`;

/**
 * Stores candles; one whose (symbol, interval, openTime) is stored already (or repeated in `batch`) is skipped.
 * Returns the candles that were new, in the order given. A batch above the parameter cap is split, in one
 * transaction.
 */
export async function insertCandles(db: Db, batch: readonly Candle[]): Promise<Candle[]> {
  if (batch.length === 0) return [];
  const parts = chunks(batch, CANDLE_COLUMNS);
  const insertPart = (tx: Db, part: readonly Candle[]) =>
    tx
      .insert(candles)
      .values(part.map(candleToRow))
      .onConflictDoNothing({ target: [candles.symbol, candles.interval, candles.openTime] })
      .returning({ symbol: candles.symbol, interval: candles.interval, openTime: candles.openTime });
  const inserted =
    parts.length === 1
      ? await insertPart(db, batch)
      : await db.transaction(async (tx) => {
          const all = [];
          for (const part of parts) all.push(...(await insertPart(tx, part)));
          return all;
        });
  const fresh = new Set(inserted.map((row) => seriesKey(row.symbol, row.interval, row.openTime.getTime())));
  return batch.filter((candle) => fresh.delete(seriesKey(candle.symbol, candle.interval, candle.openTime)));
}

/** A selection of `queryCandles`: `from <= openTime < to` (ms), `last` keeping the newest N. */
export interface CandleSelection {
  readonly symbol: string;
  readonly interval: Interval;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly last?: number | undefined;
}

/**
 * Candles of one series, ascending by `openTime`. With `last`, the newest N of the range: read newest first
 * (a backward scan of the primary key, no sort), then reversed.
 */
export async function queryCandles(db: Db, selection: CandleSelection): Promise<Candle[]> {
  const { last } = selection;
  if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) {
    throw new RangeError(`last must be a non-negative integer, got ${last}`);
  }
  if (last === 0) return [];
  const where = and(
    eq(candles.symbol, selection.symbol),
    eq(candles.interval, selection.interval),
    selection.from === undefined ? undefined : gte(candles.openTime, new Date(selection.from)),
    selection.to === undefined ? undefined : lt(candles.openTime, new Date(selection.to)),
  );
  if (last === undefined) {
    const rows = await db.select().from(candles).where(where).orderBy(asc(candles.openTime));
    return rows.map(candleFromRow);
  }
  const rows = await db.select().from(candles).where(where).orderBy(desc(candles.openTime)).limit(last);
  return rows.reverse().map(candleFromRow);
}

/**
 * The candles of several series, each from its own `from` on, in one query: the series in the order given, each
 * ascending by `openTime`. The series come as one JSON parameter (one statement text whatever their number), and
 * each is one index range scan (a lateral join), never a scan of the table.
 */
export async function candlesSince(db: Db, series: readonly CandleSeriesFrom[]): Promise<Candle[]> {
  if (series.length === 0) return [];
  const wanted = JSON.stringify(
    series.map(({ symbol, interval, from }, n) => {
      if (!Number.isFinite(from)) throw new RangeError(`from must be a finite time, got ${from}`);
      return { n, symbol, interval, since: new Date(from).toISOString() };
    }),
  );
  // Times as epoch milliseconds: a raw query gets no column mapping, and the drivers give timestamps differently.
  const millis = (column: string) => sql.raw(`(extract(epoch from c.${column}) * 1000)::float8`);
  const result = await db.execute(sql`
    select c.symbol, c.interval, ${millis('open_time')} as "openTime", ${millis('close_time')} as "closeTime",
      c.open::text as open, c.high::text as high, c.low::text as low, c.close::text as close,
      c.volume::text as volume, c.trades, c.source, c.complete, ${millis('last_trade_time')} as "lastTradeTime"
    from json_to_recordset(${wanted}::json) as w(n int, symbol text, "interval" text, since timestamptz)
    cross join lateral (
      select * from ${candles}
      where ${candles.symbol} = w.symbol and ${candles.interval} = w."interval" and ${candles.openTime} >= w.since
    ) c
    order by w.n, c.open_time`);
  return rowsOf<Candle>(result).map((row) => ({ ...row, interval: row.interval as Interval }));
}

/** The newest stored candle of a series, or null. */
export async function latestCandle(db: Db, symbol: string, interval: Interval): Promise<Candle | null> {
  const [row] = await db
    .select()
    .from(candles)
    .where(and(eq(candles.symbol, symbol), eq(candles.interval, interval)))
    .orderBy(desc(candles.openTime))
    .limit(1);
  return row ? candleFromRow(row) : null;
}

/** The newest candle of `interval` for each of `symbols`, in the order of `symbols` (`undefined` where none). */
export async function latestCandles(
  db: Db,
  symbols: readonly string[],
  interval: Interval,
): Promise<(Candle | undefined)[]> {
  if (symbols.length === 0) return [];
  // One index probe per symbol (a lateral `limit 1`), not a scan of each series.
  const newest = db
    .select()
    .from(candles)
    .where(and(eq(candles.symbol, sql`wanted.symbol`), eq(candles.interval, interval)))
    .orderBy(desc(candles.openTime))
    .limit(1)
    .as('newest');
  const rows = await db
    .select({
      symbol: newest.symbol,
      interval: newest.interval,
      openTime: newest.openTime,
      closeTime: newest.closeTime,
      open: newest.open,
      high: newest.high,
      low: newest.low,
      close: newest.close,
      volume: newest.volume,
      trades: newest.trades,
      source: newest.source,
      complete: newest.complete,
      lastTradeTime: newest.lastTradeTime,
    })
    .from(sql`unnest(${sql.param([...new Set(symbols)])}::text[]) as wanted(symbol)`)
    .innerJoinLateral(newest, sql`true`);
  const bySymbol = new Map(rows.map((row) => [row.symbol, candleFromRow(row)]));
  return symbols.map((symbol) => bySymbol.get(symbol));
}

/** Deletes the candles of `interval` whose `openTime` is before `before` (ms); resolves with how many. */
export async function pruneCandles(db: Db, interval: Interval, before: number): Promise<number> {
  const deleted = db.$with('deleted').as(
    db
      .delete(candles)
      .where(and(eq(candles.interval, interval), lt(candles.openTime, new Date(before))))
      .returning({ openTime: candles.openTime }),
  );
  const [row] = await db.with(deleted).select({ n: count() }).from(deleted);
  return row?.n ?? 0;
}

// Instruments

/** An instrument a provider lists. */
export interface InstrumentInput {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly status: string;
  /** The provider that lists it. */
  readonly source: string;
}

/** An instrument as stored. */
export interface InstrumentRecord extends InstrumentInput {
  readonly updatedAt: number;
}

function instrumentFromRow(row: InstrumentRow): InstrumentRecord {
  return { ...row, updatedAt: row.updatedAt.getTime() };
}

/** Inserts or updates instruments by symbol. */
export async function upsertInstruments(db: Db, rows: readonly InstrumentInput[]): Promise<void> {
  for (const part of chunks(rows, 6)) {
    await db
      .insert(instruments)
      .values(part.map((row) => ({ ...row, updatedAt: new Date() })))
      .onConflictDoUpdate({
        target: instruments.symbol,
        set: {
          baseAsset: excluded(instruments.baseAsset),
          quoteAsset: excluded(instruments.quoteAsset),
          status: excluded(instruments.status),
          source: excluded(instruments.source),
          updatedAt: excluded(instruments.updatedAt),
        },
      });
  }
}

/** Every stored instrument, by symbol. */
export async function listInstruments(db: Db): Promise<InstrumentRecord[]> {
  const rows = await db.select().from(instruments).orderBy(asc(instruments.symbol));
  return rows.map(instrumentFromRow);
}

/** One instrument by symbol, or undefined. */
export async function getInstrument(db: Db, symbol: string): Promise<InstrumentRecord | undefined> {
  const [row] = await db.select().from(instruments).where(eq(instruments.symbol, symbol));
  return row && instrumentFromRow(row);
}

/** Instruments by symbol, in the order of `symbols` (`undefined` where none): the shape DataLoader needs. */
export async function getInstruments(db: Db, symbols: readonly string[]): Promise<(InstrumentRecord | undefined)[]> {
  if (symbols.length === 0) return [];
  const rows = await db
    .select()
    .from(instruments)
    .where(inArray(instruments.symbol, [...symbols]));
  const bySymbol = new Map(rows.map((row) => [row.symbol, instrumentFromRow(row)]));
  return symbols.map((symbol) => bySymbol.get(symbol));
}

// Feed cursors

/** The last trade taken of one symbol from a provider. */
export interface FeedCursor {
  readonly symbol: string;
  readonly lastTradeId: number;
  /** Exchange time of that trade, ms. */
  readonly lastTradeTime: number;
}

/** Records the last trades taken; a cursor only moves forward (an older one is ignored). */
export async function saveFeedCursors(db: Db, provider: string, cursors: readonly FeedCursor[]): Promise<void> {
  for (const part of chunks(cursors, 5)) {
    const now = new Date();
    await db
      .insert(feedCursors)
      .values(
        part.map((c) => ({
          provider,
          symbol: c.symbol,
          lastTradeId: c.lastTradeId,
          lastTradeTime: new Date(c.lastTradeTime),
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [feedCursors.provider, feedCursors.symbol],
        set: {
          lastTradeId: forward(feedCursors.lastTradeId),
          lastTradeTime: forward(feedCursors.lastTradeTime),
          updatedAt: excluded(feedCursors.updatedAt),
        },
      });
  }
}

/** A provider's cursors by symbol. */
export async function loadFeedCursors(db: Db, provider: string): Promise<Map<string, FeedCursor>> {
  const rows = await db.select().from(feedCursors).where(eq(feedCursors.provider, provider));
  return new Map(
    rows.map((row) => [
      row.symbol,
      { symbol: row.symbol, lastTradeId: row.lastTradeId, lastTradeTime: row.lastTradeTime.getTime() },
    ]),
  );
}

// Feed status

/** One provider's connection, as the feed manager reports it. */
export interface FeedStatusRecord {
  readonly provider: string;
  readonly role: 'PRIMARY' | 'BACKUP';
  /** Whether candles are built from this provider now. */
  readonly active: boolean;
  /** A `FeedState` (`CONNECTED`, `STALE`, `BACKOFF`, `BREAKER_OPEN`, `DISCONNECTED`). */
  readonly state: string;
  readonly detail: string | null;
  /** Wall-clock ms of the last message, or null. */
  readonly lastMessageAt: number | null;
  readonly lagMs: number | null;
  readonly reconnects: number;
  readonly gapsFilled: number;
  readonly tradesBackfilled: number;
  readonly tradesQuarantined: number;
  /** Quarantined trades by reason. */
  readonly quarantine: Readonly<Record<string, number>>;
  /** Wall-clock ms of the report (set by `saveFeedStatus` when absent). */
  readonly updatedAt?: number;
}

function feedStatusFromRow(row: FeedStatusRow): FeedStatusRecord & { updatedAt: number } {
  return {
    ...row,
    role: row.role as FeedStatusRecord['role'],
    lastMessageAt: row.lastMessageAt?.getTime() ?? null,
    updatedAt: row.updatedAt.getTime(),
  };
}

/** Inserts or replaces the status of each provider. */
export async function saveFeedStatus(db: Db, rows: readonly FeedStatusRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const now = Date.now();
  await db
    .insert(feedStatus)
    .values(
      rows.map((row) => ({
        ...row,
        quarantine: { ...row.quarantine },
        lastMessageAt: row.lastMessageAt === null ? null : new Date(row.lastMessageAt),
        updatedAt: new Date(row.updatedAt ?? now),
      })),
    )
    .onConflictDoUpdate({
      target: feedStatus.provider,
      set: Object.fromEntries(
        (
          [
            'role',
            'active',
            'state',
            'detail',
            'lastMessageAt',
            'lagMs',
            'reconnects',
            'gapsFilled',
            'tradesBackfilled',
            'tradesQuarantined',
            'quarantine',
            'updatedAt',
          ] as const
        ).map((key) => [key, excluded(feedStatus[key])]),
      ),
    });
}

/** Every provider's status, by provider. */
export async function listFeedStatus(db: Db): Promise<(FeedStatusRecord & { updatedAt: number })[]> {
  const rows = await db.select().from(feedStatus).orderBy(asc(feedStatus.provider));
  return rows.map(feedStatusFromRow);
}

// Quarantined trades

/** Quarantined trades kept per provider (the newest). */
export const QUARANTINE_KEPT = 200;

/** A trade a quality check refused. */
export interface QuarantinedTradeInput {
  readonly provider: string;
  readonly symbol: string;
  readonly tradeId: string;
  readonly price: string;
  readonly quantity: string;
  /** Exchange time, ms. */
  readonly time: number;
  /** `NON_POSITIVE`, `TOO_PRECISE`, `PRICE_BAND`, `FUTURE_TIME`, `DUPLICATE_ID`, `UNKNOWN_SYMBOL`, ... */
  readonly reason: string;
  readonly detail: string;
  /** Wall-clock ms; now when absent. */
  readonly quarantinedAt?: number;
}

/** A quarantined trade as stored. */
export interface QuarantinedTradeRecord extends QuarantinedTradeInput {
  readonly id: number;
  readonly quarantinedAt: number;
}

function quarantinedFromRow(row: QuarantinedTradeRow): QuarantinedTradeRecord {
  const { tradeTime, quarantinedAt, ...rest } = row;
  return { ...rest, time: tradeTime.getTime(), quarantinedAt: quarantinedAt.getTime() };
}

/** Stores quarantined trades, then keeps only the newest `QUARANTINE_KEPT` of each provider concerned. */
export async function insertQuarantinedTrades(db: Db, rows: readonly QuarantinedTradeInput[]): Promise<void> {
  if (rows.length === 0) return;
  const now = Date.now();
  await db.transaction(async (tx) => {
    for (const part of chunks(rows, 9)) {
      await tx.insert(quarantinedTrades).values(
        part.map(({ time, quarantinedAt, ...row }) => ({
          ...row,
          tradeTime: new Date(time),
          quarantinedAt: new Date(quarantinedAt ?? now),
        })),
      );
    }
    for (const provider of new Set(rows.map((row) => row.provider))) {
      // Ids grow with insertion, so the newest are the highest ids of the provider.
      const kept = tx
        .select({ id: quarantinedTrades.id })
        .from(quarantinedTrades)
        .where(eq(quarantinedTrades.provider, provider))
        .orderBy(desc(quarantinedTrades.id))
        .limit(QUARANTINE_KEPT);
      await tx
        .delete(quarantinedTrades)
        .where(and(eq(quarantinedTrades.provider, provider), notInArray(quarantinedTrades.id, kept)));
    }
  });
}

/** Quarantined trades, newest first, optionally of one provider and symbol. */
export async function listQuarantinedTrades(
  db: Db,
  params: { provider?: string | undefined; symbol?: string | undefined; last: number },
): Promise<QuarantinedTradeRecord[]> {
  const rows = await db
    .select()
    .from(quarantinedTrades)
    .where(
      and(
        params.provider === undefined ? undefined : eq(quarantinedTrades.provider, params.provider),
        params.symbol === undefined ? undefined : eq(quarantinedTrades.symbol, params.symbol),
      ),
    )
    .orderBy(desc(quarantinedTrades.quarantinedAt), desc(quarantinedTrades.id))
    .limit(params.last);
  return rows.map(quarantinedFromRow);
}

// Engine progress

/** The key of `loadEngineProgress`'s map. */
export function progressKey(symbol: string, interval: string): string {
  return `${symbol}\u0000${interval}`;
}

/** The last candle a consumer evaluated per series: key `progressKey(symbol, interval)` -> openTime ms. */
export async function loadEngineProgress(db: Db, consumer: string): Promise<Map<string, number>> {
  const rows = await db.select().from(engineProgress).where(eq(engineProgress.consumer, consumer));
  return new Map(rows.map((row) => [progressKey(row.symbol, row.interval), row.lastOpenTime.getTime()]));
}

/** Records the last candle evaluated per series; progress only moves forward. */
export async function saveEngineProgress(
  db: Db,
  consumer: string,
  rows: readonly { symbol: string; interval: string; lastOpenTime: number }[],
): Promise<void> {
  for (const part of chunks(rows, 4)) {
    await db
      .insert(engineProgress)
      .values(part.map((row) => ({ consumer, ...row, lastOpenTime: new Date(row.lastOpenTime) })))
      .onConflictDoUpdate({
        target: [engineProgress.consumer, engineProgress.symbol, engineProgress.interval],
        set: { lastOpenTime: forward(engineProgress.lastOpenTime) },
      });
  }
}
