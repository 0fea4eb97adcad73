import { isoTime, type Signal, type SignalAction } from '@alphintra/core';
import { and, count, desc, eq, gte, inArray, lt, max, type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { deliveryCursors, type SignalRow, signals } from '../schema/signals.ts';
import { strategies } from '../schema/strategies.ts';
import { type Page, readableBy } from './strategies.ts';

/** A signal as stored: with its delivery sequence (`signals.seq`), the outbox order. */
export interface StoredSignal extends Signal {
  readonly seq: number;
}

/** Maps a stored row back to the platform's `Signal`. */
export function signalFromRow(row: SignalRow): Signal {
  return {
    id: row.id,
    timestamp: row.timestamp.getTime(),
    strategyId: row.strategyId,
    strategyName: row.strategyName,
    strategyVersion: row.strategyVersion,
    strategySource: row.strategySource,
    symbol: row.symbol,
    action: row.action,
    confidence: row.confidence,
    quantity: row.quantity,
    priceTarget: row.priceTarget,
    stopLoss: row.stopLoss,
    takeProfit: row.takeProfit,
    riskScore: row.riskScore,
    metadata: {
      marketConditions: row.marketConditions as Signal['metadata']['marketConditions'],
      volatility: row.volatility,
      volumeProfile: row.volumeProfile as Signal['metadata']['volumeProfile'],
    },
    executionParams: {
      orderType: row.orderType as Signal['executionParams']['orderType'],
      timeInForce: row.timeInForce as Signal['executionParams']['timeInForce'],
      maxSlippage: row.maxSlippage,
    },
    marketDataTimestamp: row.marketDataTimestamp.getTime(),
    latencyMs: row.latencyMs,
    explanation: row.explanation,
    // Set by migration 0002 for older rows; the fallback only guards a row written by an older process since.
    expiresAt: (row.expiresAt ?? row.timestamp).getTime(),
    shadow: row.shadow,
  };
}

const ESCAPED = /[\\"]/;
const ESCAPED_ALL = /[\\"]/g;

/**
 * A PostgreSQL array literal: each element quoted (`\` and `"` escaped), null as `NULL`. It is the text form of an
 * array of any type, which the server casts (`::uuid[]`, `::timestamptz[]`, ...).
 */
function arrayLiteral(values: readonly (string | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as string | null;
    parts[index] = value === null ? 'NULL' : `"${ESCAPED.test(value) ? value.replace(ESCAPED_ALL, '\\$&') : value}"`;
  }
  return `{${parts.join(',')}}`;
}

/**
 * The parameters of `store_signal_columns` (migration 0014), in its order: each column's SQL type and how a signal
 * gives its value as text. A `double precision` goes as `String(value)`, so NaN and ±Infinity, which PostgreSQL reads
 * from that text, are stored as they were given.
 */
const SIGNAL_COLUMNS: readonly (readonly [type: string, value: (signal: Signal) => string | null])[] = [
  ['uuid', (s) => s.id],
  ['timestamptz', (s) => isoTime(s.timestamp)],
  ['uuid', (s) => s.strategyId],
  ['text', (s) => s.strategyName],
  ['integer', (s) => String(s.strategyVersion)],
  ['strategy_source', (s) => s.strategySource],
  ['text', (s) => s.symbol],
  ['signal_action', (s) => s.action],
  ['double precision', (s) => String(s.confidence)],
  ['numeric', (s) => s.quantity],
  ['numeric', (s) => s.priceTarget],
  ['numeric', (s) => s.stopLoss],
  ['numeric', (s) => s.takeProfit],
  ['double precision', (s) => String(s.riskScore)],
  ['text', (s) => s.metadata.marketConditions],
  ['double precision', (s) => String(s.metadata.volatility)],
  ['text', (s) => s.metadata.volumeProfile],
  ['text', (s) => s.executionParams.orderType],
  ['text', (s) => s.executionParams.timeInForce],
  ['double precision', (s) => String(s.executionParams.maxSlippage)],
  ['timestamptz', (s) => isoTime(s.marketDataTimestamp)],
  ['double precision', (s) => (s.latencyMs === null ? null : String(s.latencyMs))],
  [
    'jsonb',
    (s) =>
      JSON.stringify({
        rule: s.explanation.rule,
        indicators: s.explanation.indicators.map(({ name, value }) => ({ name, value })),
      }),
  ],
  ['timestamptz', (s) => isoTime(s.expiresAt)],
  ['boolean', (s) => String(s.shadow)],
];

/**
 * A batch as `store_signal_columns`'s arguments: one array literal per column, each cast to its type. A batch is then
 * 25 query parameters whatever its size, and PostgreSQL reads typed arrays for a fraction of the CPU it spends turning
 * JSON objects into rows (migration 0014; `docs/architecture.md`).
 */
function signalColumns(batch: readonly Signal[]): SQL {
  return sql.join(
    SIGNAL_COLUMNS.map(([type, value]) => sql`${arrayLiteral(batch.map(value))}::${sql.raw(type)}[]`),
    sql`, `,
  );
}

/**
 * A batch as stored by `storeSignals`: the new signals with their place in the outbox, and the place before them.
 */
export interface StoredBatch {
  /**
   * The highest delivery sequence committed before this batch: no signal has a sequence between it and this batch's
   * first (and none ever will), so a reader that has every signal up to it can add this batch and stay complete.
   */
  readonly afterSeq: number;
  /** The signals that were new, in outbox order (shadow ones included), each with its sequence. */
  readonly signals: StoredSignal[];
}

/**
 * Stores signals and, in the same transaction, their place in the outbox (`seq`, in the order given); ids already
 * stored are skipped. What reaches subscribers, Kafka and webhooks is read back from the outbox by each channel's
 * relay, never handed over from here: a crash between this commit and any delivery loses nothing, and a commit
 * whose reply was lost is found (and delivered) all the same.
 *
 * One statement, so one round trip: the `store_signal_columns` function (migration 0014) takes the outbox lock, which
 * serializes inserts so that sequence order is commit order, reads the highest sequence committed before it
 * (`afterSeq`), and inserts the batch, all committed as the statement ends.
 */
export async function storeSignals(db: Db, batch: readonly Signal[]): Promise<StoredBatch> {
  if (batch.length === 0) return { afterSeq: 0, signals: [] };
  const rows = rowsOf<{ prev_seq: number; stored_id: string; stored_seq: number }>(
    await db.execute(sql`
      select prev_seq::float8 as prev_seq, stored_id, stored_seq::float8 as stored_seq
      from store_signal_columns(${signalColumns(batch)})`),
  );
  const first = rows[0];
  if (first === undefined) return { afterSeq: 0, signals: [] };
  const seqs = new Map(rows.map((row) => [row.stored_id, row.stored_seq]));
  const signals: StoredSignal[] = [];
  for (const signal of batch) {
    const seq = seqs.get(signal.id);
    if (seq === undefined) continue;
    // The same id twice in the batch is stored once, at its first place: sequences follow the batch's order, so
    // these come out in sequence order.
    seqs.delete(signal.id);
    signals.push({ ...signal, seq });
  }
  return { afterSeq: first.prev_seq, signals };
}

/** `storeSignals`, answering only the signals that were new. */
export async function insertSignals(db: Db, batch: readonly Signal[]): Promise<StoredSignal[]> {
  return (await storeSignals(db, batch)).signals;
}

/**
 * The outbox after `afterSeq`, in delivery order: up to `limit` stored signals (shadow ones only when asked).
 * Every row with a lower seq is committed already, so a reader that advances its cursor never skips one.
 */
export async function readOutbox(
  db: Db,
  params: { afterSeq: number; limit: number; shadow?: boolean },
): Promise<StoredSignal[]> {
  const rows = await db
    .select()
    .from(signals)
    .where(and(sql`${signals.seq} > ${params.afterSeq}`, params.shadow ? undefined : eq(signals.shadow, false)))
    .orderBy(signals.seq)
    .limit(params.limit);
  return rows.map((row) => ({ ...signalFromRow(row), seq: row.seq }));
}

/** The highest delivery sequence stored (0 when there is no signal). */
export async function latestSignalSeq(db: Db): Promise<number> {
  const [row] = await db.select({ seq: max(signals.seq) }).from(signals);
  return row?.seq ?? 0;
}

/** A channel's cursor, or null when the channel has never delivered. */
export async function loadDeliveryCursor(db: Db, channel: string): Promise<number | null> {
  const [row] = await db
    .select({ lastSeq: deliveryCursors.lastSeq })
    .from(deliveryCursors)
    .where(eq(deliveryCursors.channel, channel));
  return row?.lastSeq ?? null;
}

/**
 * Moves channels' cursors forward (never back), all in one statement. Committed without waiting for the WAL flush
 * (`synchronous_commit` off for this transaction only): a cursor write lost in a server crash only means that the
 * channel redelivers (same `signal_id`s) what it delivered since its last cursor that reached the disk, and the
 * relays of a busy outbox write their cursors many times a second, each of which would otherwise wait for a flush.
 */
export async function saveDeliveryCursors(
  db: Db,
  cursors: readonly { readonly channel: string; readonly lastSeq: number }[],
): Promise<void> {
  // One row per channel (an upsert may not touch a row twice): its highest cursor.
  const newest = new Map<string, number>();
  for (const { channel, lastSeq } of cursors) newest.set(channel, Math.max(lastSeq, newest.get(channel) ?? lastSeq));
  if (newest.size === 0) return;
  const json = JSON.stringify([...newest].map(([channel, lastSeq]) => ({ channel, last_seq: lastSeq })));
  await db.execute(sql`
    with relaxed as (select set_config('synchronous_commit', 'off', true))
    insert into delivery_cursors (channel, last_seq, updated_at)
    select cursor.channel, cursor.last_seq, now()
    from relaxed, json_to_recordset(${json}::json) as cursor(channel text, last_seq bigint)
    on conflict (channel) do update set
      last_seq = greatest(delivery_cursors.last_seq, excluded.last_seq), updated_at = excluded.updated_at`);
}

/** Moves a channel's cursor forward (never back): `saveDeliveryCursors` for one. */
export function saveDeliveryCursor(db: Db, channel: string, lastSeq: number): Promise<void> {
  return saveDeliveryCursors(db, [{ channel, lastSeq }]);
}

export interface SignalFilter {
  readonly symbols?: readonly string[] | null | undefined;
  readonly strategyIds?: readonly string[] | null | undefined;
  readonly actions?: readonly SignalAction[] | null | undefined;
  readonly minConfidence?: number | null | undefined;
  /** `true`: shadow signals only; unset or `false`: live signals only (a shadow signal is never shown unasked). */
  readonly shadow?: boolean | null | undefined;
  /** Only signals of strategies this `sub` owns or that are public; unset: every signal (an admin). */
  readonly readableBy?: string | null | undefined;
}

/** Paging arguments: `first` items after the opaque `after` cursor. */
export interface PageArgs {
  readonly first: number;
  readonly after?: string | null | undefined;
}

/**
 * Newest first (by market time, then id): the condition for rows older than the cursor's position. A row
 * comparison, so PostgreSQL starts the index scan at the cursor instead of filtering every newer row (a deep page
 * would otherwise read the whole history before it).
 */
function olderThan(after: string): SQL {
  const [time, id] = decodeCursor(after) ?? [];
  if (typeof time !== 'number' || typeof id !== 'string' || !Number.isFinite(time) || !isUuidText(id)) {
    throw new InvalidCursorError(after);
  }
  const at = new Date(time).toISOString();
  return sql`(${signals.timestamp}, ${signals.id}) < (${at}::timestamptz, ${id}::uuid)`;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuidText(value: string): boolean {
  return UUID_TEXT.test(value);
}

/** The conditions of a filter, with its shadow semantics (live signals unless `shadow` is asked). */
function filterConditions(filter: SignalFilter): SQL[] {
  const conditions: SQL[] = [eq(signals.shadow, filter.shadow ?? false)];
  if (filter.symbols?.length) conditions.push(inArray(signals.symbol, [...filter.symbols]));
  if (filter.strategyIds?.length) conditions.push(inArray(signals.strategyId, [...filter.strategyIds]));
  if (filter.actions?.length) conditions.push(inArray(signals.action, [...filter.actions]));
  if (filter.minConfidence != null) conditions.push(gte(signals.confidence, filter.minConfidence));
  if (filter.readableBy != null) conditions.push(readableStrategies(filter.readableBy));
  return conditions;
}

/** Signals of strategies `sub` may read (its own and public ones). */
function readableStrategies(sub: string): SQL {
  return sql`${signals.strategyId} in (select ${strategies.id} from ${strategies} where ${readableBy(sub)})`;
}

function pageOf(rows: readonly SignalRow[], first: number): Page<Signal> {
  return {
    items: rows.slice(0, first).map((row) => ({
      node: signalFromRow(row),
      cursor: encodeCursor([row.timestamp.getTime(), row.id]),
    })),
    hasNextPage: rows.length > first,
  };
}

/** Persisted signals, newest first (by market time, then id), a page at a time; live ones unless `filter.shadow`. */
export async function listSignals(
  db: Db,
  params: PageArgs & { filter?: SignalFilter | null | undefined },
): Promise<Page<Signal>> {
  const conditions = filterConditions(params.filter ?? {});
  if (params.after != null) conditions.push(olderThan(params.after));
  const rows = await db
    .select()
    .from(signals)
    .where(and(...conditions))
    .orderBy(desc(signals.timestamp), desc(signals.id))
    .limit(params.first + 1);
  return pageOf(rows, params.first);
}

/**
 * One page of signals per strategy, newest first, for many strategies in ONE query (a lateral join walking
 * `signals_strategy_newest_idx` once per strategy): what a DataLoader batches `Strategy.signals` into. The same
 * `after` applies to every strategy. Pages come back in the order of `strategyIds`; live signals unless `shadow`.
 */
export async function listStrategySignals(
  db: Db,
  strategyIds: readonly string[],
  params: PageArgs & { shadow?: boolean | null | undefined; readableBy?: string | null | undefined },
): Promise<Page<Signal>[]> {
  if (strategyIds.length === 0) return [];
  const conditions: SQL[] = [eq(signals.strategyId, sql`wanted.id`), eq(signals.shadow, params.shadow ?? false)];
  if (params.readableBy != null) conditions.push(readableStrategies(params.readableBy));
  if (params.after != null) conditions.push(olderThan(params.after));
  const page = db
    .select()
    .from(signals)
    .where(and(...conditions))
    .orderBy(desc(signals.timestamp), desc(signals.id))
    .limit(params.first + 1)
    .as('page');
  const ids = [...new Set(strategyIds)];
  const rows = await db
    .select({ ...page._.selectedFields })
    .from(sql`unnest(${sql.param(ids)}::uuid[]) as wanted(id)`)
    .innerJoinLateral(page, sql`true`);
  const byStrategy = new Map<string, SignalRow[]>();
  for (const row of rows) {
    const list = byStrategy.get(row.strategyId);
    if (list) list.push(row);
    else byStrategy.set(row.strategyId, [row]);
  }
  return strategyIds.map((id) => pageOf(byStrategy.get(id) ?? [], params.first));
}

/** How many signals one strategy version produced, and the market time of its newest. */
export interface SignalVersionCount {
  readonly strategyId: string;
  readonly version: number;
  /** Live and shadow signals alike: a shadow version's signals are all shadow. */
  readonly count: number;
  /** Epoch ms (market time) of the version's newest signal. */
  readonly lastSignalAt: number;
}

/** Signal counts per (strategy, version) of the given strategies, by strategy then version; versions without signals are absent. */
export async function signalCountsByVersion(db: Db, strategyIds: readonly string[]): Promise<SignalVersionCount[]> {
  if (strategyIds.length === 0) return [];
  const rows = await db
    .select({
      strategyId: signals.strategyId,
      version: signals.strategyVersion,
      count: count(),
      lastSignalAt: max(signals.timestamp),
    })
    .from(signals)
    .where(inArray(signals.strategyId, [...strategyIds]))
    .groupBy(signals.strategyId, signals.strategyVersion)
    .orderBy(signals.strategyId, signals.strategyVersion);
  return rows.map((row) => ({
    strategyId: row.strategyId,
    version: row.version,
    count: row.count,
    lastSignalAt: (row.lastSignalAt as Date).getTime(),
  }));
}

/** Signals by id, in the order of `ids` (`undefined` where none). */
export async function getSignals(db: Db, ids: readonly string[]): Promise<(Signal | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(signals)
    .where(inArray(signals.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, signalFromRow(row)]));
  return ids.map((id) => byId.get(id));
}

/** Delivery sequences by signal id, in the order of `ids` (`undefined` where no signal has the id). */
export async function signalSeqs(db: Db, ids: readonly string[]): Promise<(number | undefined)[]> {
  const wanted = ids.filter(isUuidText);
  if (wanted.length === 0) return ids.map(() => undefined);
  const rows = await db.select({ id: signals.id, seq: signals.seq }).from(signals).where(inArray(signals.id, wanted));
  const byId = new Map(rows.map((row) => [row.id, row.seq]));
  return ids.map((id) => byId.get(id));
}

/** The delivery sequence of the stored signal `id`, or null when no signal has that id. */
export async function signalSeqOf(db: Db, id: string): Promise<number | null> {
  if (!isUuidText(id)) return null;
  const [row] = await db.select({ seq: signals.seq }).from(signals).where(eq(signals.id, id));
  return row?.seq ?? null;
}

/**
 * The delivery sequence of the first live signal, in delivery order, whose market time is at or after `time`
 * (epoch ms): where a stream "since a time" starts. Null when there is none yet.
 */
export async function firstSeqAtOrAfter(db: Db, time: number): Promise<number | null> {
  // `+ 0` keeps PostgreSQL from answering `min(seq)` by walking the seq index from the oldest signal until one is
  // recent enough (seconds over millions of rows for a recent time, the usual one when resuming): it reads only
  // the signals at or after the time instead, through the newest-first index.
  const [row] = await db
    .select({ seq: sql<number | null>`min(${signals.seq} + 0)`.mapWith(Number) })
    .from(signals)
    .where(and(eq(signals.shadow, false), gte(signals.timestamp, new Date(time))));
  return row?.seq ?? null;
}

/**
 * Live signals after `afterSeq` (and up to `upToSeq`, when given) that pass `filter`, in delivery order, at most
 * `limit`: a subscription's catch-up from the record. Shadow signals are never included.
 */
export async function signalsAfterSeq(
  db: Db,
  params: { afterSeq: number; upToSeq?: number; filter?: SignalFilter | null | undefined; limit: number },
): Promise<StoredSignal[]> {
  const conditions = filterConditions({ ...params.filter, shadow: false });
  conditions.push(sql`${signals.seq} > ${params.afterSeq}`);
  if (params.upToSeq !== undefined) conditions.push(sql`${signals.seq} <= ${params.upToSeq}`);
  const rows = await db
    .select()
    .from(signals)
    .where(and(...conditions))
    .orderBy(signals.seq)
    .limit(params.limit);
  return rows.map((row) => ({ ...signalFromRow(row), seq: row.seq }));
}

/** What signal statistics can be grouped by. */
export type SignalStatsDimension = 'STRATEGY' | 'SYMBOL' | 'ACTION';

/** One group of `signalStats`: the dimensions not grouped by are null. */
export interface SignalStatsGroup {
  readonly strategyId: string | null;
  readonly symbol: string | null;
  readonly action: SignalAction | null;
  readonly count: number;
  readonly averageConfidence: number;
}

/**
 * Signal counts and average confidence per group, in one `group by`: signals passing `filter` (live ones unless
 * `filter.shadow`) with market time in [`from`, `to`) (epoch ms, either open). Groups are ordered by strategy id,
 * symbol, then action; no dimension gives one group of everything (none when nothing matches).
 */
export async function signalStats(
  db: Db,
  params: {
    groupBy: readonly SignalStatsDimension[];
    from?: number | null | undefined;
    to?: number | null | undefined;
    filter?: SignalFilter | null | undefined;
  },
): Promise<SignalStatsGroup[]> {
  const conditions = filterConditions(params.filter ?? {});
  if (params.from != null) conditions.push(gte(signals.timestamp, new Date(params.from)));
  if (params.to != null) conditions.push(lt(signals.timestamp, new Date(params.to)));
  const by = new Set(params.groupBy);
  const keys = [
    ...(by.has('STRATEGY') ? [signals.strategyId] : []),
    ...(by.has('SYMBOL') ? [signals.symbol] : []),
    ...(by.has('ACTION') ? [signals.action] : []),
  ];
  const query = db
    .select({
      strategyId: by.has('STRATEGY') ? signals.strategyId : sql<string | null>`null`,
      symbol: by.has('SYMBOL') ? signals.symbol : sql<string | null>`null`,
      action: by.has('ACTION') ? signals.action : sql<SignalAction | null>`null`,
      count: count(),
      averageConfidence: sql<number>`avg(${signals.confidence})`.mapWith(Number),
    })
    .from(signals)
    .where(and(...conditions))
    .$dynamic();
  // Without a dimension the aggregate is one row even over no signal: `having` drops that empty group.
  const rows = await (keys.length > 0 ? query.groupBy(...keys).orderBy(...keys) : query.having(sql`count(*) > 0`));
  return rows.map((row) => ({
    strategyId: row.strategyId,
    symbol: row.symbol,
    action: row.action,
    count: row.count,
    averageConfidence: row.averageConfidence,
  }));
}
