import type {
  Interval,
  StrategyDocument,
  StrategyMode,
  StrategySource,
  StrategySpec,
  StrategyStatus,
} from '@alphintra/core';
import { and, arrayContains, asc, count, eq, exists, gt, inArray, lt, max, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { candles, engineProgress } from '../schema/market.ts';
import {
  type LegacyStrategyType,
  type StrategyRunRow,
  type StrategyVersionState,
  type StrategyVisibility,
  strategies,
  strategyChanges,
  strategyRunEnds,
  strategyRuns,
  strategyVersionStats,
  strategyVersions,
} from '../schema/strategies.ts';

/** A strategy at its current version, with its owner and lifecycle timestamps. */
export interface StrategyRecord extends Omit<StrategySpec, 'mode' | 'activatedAt'> {
  /** The `sub` of who created it. */
  readonly owner: string;
  readonly visibility: StrategyVisibility;
  /** The current version's change note. */
  readonly changeNote: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One immutable version of a strategy. */
export interface StrategyVersionRecord {
  readonly strategyId: string;
  readonly version: number;
  readonly source: StrategySource;
  readonly symbols: readonly string[];
  readonly interval: Interval;
  readonly document: StrategyDocument;
  readonly changeNote: string | null;
  readonly createdAt: Date;
}

/** A version running now. */
export interface StrategyRunRecord {
  readonly strategyId: string;
  readonly version: number;
  readonly mode: StrategyMode;
  readonly activatedAt: Date;
}

/** How a version fares in the engine (written by the engine). */
export interface StrategyVersionStats {
  readonly strategyId: string;
  readonly version: number;
  readonly evaluations: number;
  readonly evalP50Ms: number | null;
  readonly evalP99Ms: number | null;
  readonly errors: number;
  readonly lastError: string | null;
  readonly state: StrategyVersionState;
  /** Defaults to now when saved. */
  readonly updatedAt?: Date;
}

/** What a mutation did, as recorded in `strategy_changes`. */
export const STRATEGY_CHANGE_TYPES = [
  'created',
  'updated',
  'rolledBack',
  'archived',
  'activated',
  'deactivated',
  'promoted',
  'visibilityChanged',
] as const;
export type StrategyChangeType = (typeof STRATEGY_CHANGE_TYPES)[number];

/** One recorded mutation: `seq` grows with every change, so an engine reloads when it sees a newer one. */
export interface StrategyChange {
  readonly seq: number;
  readonly strategyId: string;
  readonly version: number;
  readonly type: StrategyChangeType;
  readonly at: Date;
}

/** The strategy after a mutation, with the change row written in the same transaction. */
export interface StrategyMutation {
  readonly strategy: StrategyRecord;
  readonly change: StrategyChange;
}

export interface NewStrategy {
  readonly name: string;
  /** The `sub` of its creator; default `system` (the platform's own strategies). */
  readonly owner?: string | undefined;
  readonly visibility?: StrategyVisibility | undefined;
  readonly source: StrategySource;
  readonly symbols: readonly string[];
  readonly document: StrategyDocument;
  readonly changeNote?: string | null | undefined;
  /** Start running version 1 at once, in this mode. */
  readonly run?: { readonly mode: StrategyMode } | undefined;
}

/** A strategy query refused for a reason the caller can fix. */
export class StrategyError extends Error {}

/** The strategy name is taken (names are unique). */
export class StrategyNameTakenError extends StrategyError {
  constructor(readonly strategyName: string) {
    super(`a strategy named "${strategyName}" already exists`);
    this.name = 'StrategyNameTakenError';
  }
}

export class StrategyNotFoundError extends StrategyError {
  constructor(readonly strategyId: string) {
    super(`no strategy with id "${strategyId}"`);
    this.name = 'StrategyNotFoundError';
  }
}

export class StrategyVersionNotFoundError extends StrategyError {
  constructor(
    readonly strategyId: string,
    readonly version: number,
  ) {
    super(`strategy "${strategyId}" has no version ${version}`);
    this.name = 'StrategyVersionNotFoundError';
  }
}

/** An archived strategy is kept for its history and never changes again. */
export class StrategyArchivedError extends StrategyError {
  constructor(readonly strategyId: string) {
    super(`strategy "${strategyId}" is archived and cannot be changed`);
    this.name = 'StrategyArchivedError';
  }
}

/** Creating one more strategy would exceed the platform's cap (archived strategies do not count). */
export class StrategyLimitError extends StrategyError {
  constructor(readonly maxStrategies: number) {
    super(`the platform allows at most ${maxStrategies} strategies; archive one first`);
    this.name = 'StrategyLimitError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Serializes creations while the cap is checked (an arbitrary constant key). */
const CREATE_LOCK = 7_020_240_701;

/**
 * The document equivalent to a strategy written before documents (`EMA_CROSSOVER` / `RSI_REVERSION` with its
 * parameters): the engine's `ema-crossover` / `rsi-reversion` template (copied here, since the database does not
 * depend on the engine; the strategy subgraph's tests check the two agree) with the parameters mapped onto its
 * periods, RSI thresholds, ATR multiples and quantity. Missing parameters take the old defaults, which are the
 * templates' values.
 */
export function legacyDocument(
  type: LegacyStrategyType,
  parameters: Readonly<Record<string, number>> | null,
  interval: Interval = '1m',
): StrategyDocument {
  const p = parameters ?? {};
  const sizing = p['quantity'] === undefined ? {} : { sizing: { quantity: p['quantity'] } };
  if (type === 'EMA_CROSSOVER') {
    const fast = { ind: 'fast' };
    const slow = { ind: 'slow' };
    return {
      version: 1,
      interval,
      indicators: {
        fast: { type: 'EMA', period: p['fastPeriod'] ?? 9 },
        slow: { type: 'EMA', period: p['slowPeriod'] ?? 21 },
        atr: { type: 'ATR', period: p['atrPeriod'] ?? 14 },
      },
      rules: [
        { id: 'golden-cross', side: 'BUY', when: { crossesAbove: [fast, slow] } },
        { id: 'death-cross', side: 'SELL', when: { crossesBelow: [fast, slow] } },
      ],
      stopLoss: { atr: 'atr', multiple: p['stopLossAtr'] ?? 2 },
      takeProfit: { atr: 'atr', multiple: p['takeProfitAtr'] ?? 3 },
      // 0.5 + 0.3 * min(1, |fast - slow| / (0.5 * ATR))
      confidence: {
        add: [
          0.5,
          { mul: [0.3, { min: [1, { div: [{ abs: { sub: [fast, slow] } }, { mul: [0.5, { ind: 'atr' }] }] }] }] },
        ],
      },
      cooldownBars: 3,
      lifetimeBars: 5,
      ...sizing,
    };
  }
  const oversold = p['oversold'] ?? 30;
  const overbought = p['overbought'] ?? 70;
  return {
    version: 1,
    interval,
    indicators: {
      rsi: { type: 'RSI', period: p['period'] ?? 14 },
      rsiLow: { type: 'LOWEST', period: 5, source: { ind: 'rsi' } },
      rsiHigh: { type: 'HIGHEST', period: 5, source: { ind: 'rsi' } },
      atr: { type: 'ATR', period: p['atrPeriod'] ?? 14 },
    },
    rules: [
      { id: 'oversold-exit', side: 'BUY', when: { crossesAbove: [{ ind: 'rsi' }, oversold] } },
      { id: 'overbought-exit', side: 'SELL', when: { crossesBelow: [{ ind: 'rsi' }, overbought] } },
    ],
    stopLoss: { atr: 'atr', multiple: p['stopLossAtr'] ?? 1.5 },
    takeProfit: { atr: 'atr', multiple: p['takeProfitAtr'] ?? 2 },
    // 0.5 + max(oversold - lowest RSI, highest RSI - overbought) / 40
    confidence: {
      add: [
        0.5,
        { div: [{ max: [{ sub: [oversold, { ind: 'rsiLow' }] }, { sub: [{ ind: 'rsiHigh' }, overbought] }] }, 40] },
      ],
    },
    cooldownBars: 5,
    lifetimeBars: 5,
    ...sizing,
  };
}

/** A version row's document: its own, or the legacy equivalent. */
function documentOf(row: {
  strategyId: string;
  version: number;
  interval: string;
  document: StrategyDocument | null;
  type: LegacyStrategyType | null;
  parameters: Record<string, number> | null;
}): StrategyDocument {
  if (row.document) return row.document;
  if (row.type) return legacyDocument(row.type, row.parameters, row.interval as Interval);
  throw new Error(`strategy ${row.strategyId} version ${row.version} has neither a document nor a legacy type`);
}

const versionColumns = {
  strategyId: strategyVersions.strategyId,
  version: strategyVersions.version,
  source: strategyVersions.source,
  symbols: strategyVersions.symbols,
  interval: strategyVersions.interval,
  document: strategyVersions.document,
  changeNote: strategyVersions.changeNote,
  type: strategyVersions.type,
  parameters: strategyVersions.parameters,
  createdAt: strategyVersions.createdAt,
};

function selectVersions(db: Db) {
  return db.select(versionColumns).from(strategyVersions);
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof selectVersions>['execute']>>[number];

function toVersion(row: VersionRow): StrategyVersionRecord {
  const document = documentOf(row);
  return {
    strategyId: row.strategyId,
    version: row.version,
    source: row.source,
    symbols: row.symbols,
    interval: document.interval,
    document,
    changeNote: row.changeNote,
    createdAt: row.createdAt,
  };
}

const currentColumns = {
  ...versionColumns,
  id: strategies.id,
  name: strategies.name,
  owner: strategies.owner,
  visibility: strategies.visibility,
  status: strategies.status,
  createdAt: strategies.createdAt,
  updatedAt: strategies.updatedAt,
};

function selectCurrent(db: Db) {
  return db
    .select(currentColumns)
    .from(strategies)
    .innerJoin(
      strategyVersions,
      and(eq(strategyVersions.strategyId, strategies.id), eq(strategyVersions.version, strategies.currentVersion)),
    );
}

type CurrentRow = Awaited<ReturnType<ReturnType<typeof selectCurrent>['execute']>>[number];

function toRecord(row: CurrentRow): StrategyRecord {
  const document = documentOf(row);
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    visibility: row.visibility,
    version: row.version,
    source: row.source,
    status: row.status,
    symbols: row.symbols,
    interval: document.interval,
    document,
    changeNote: row.changeNote,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

async function recordChange(
  db: Db,
  strategyId: string,
  version: number,
  type: StrategyChangeType,
): Promise<StrategyChange> {
  const [row] = await db.insert(strategyChanges).values({ strategyId, version, type }).returning();
  if (!row) throw new Error('insert returned no row');
  return { seq: row.seq, strategyId, version, type, at: row.at };
}

async function currentRecord(db: Db, id: string): Promise<StrategyRecord> {
  const [record] = await getStrategies(db, [id]);
  if (!record) throw new StrategyNotFoundError(id);
  return record;
}

/** Locks a strategy row for a change; refuses an unknown or archived strategy. */
async function lockForChange(db: Db, id: string): Promise<{ currentVersion: number }> {
  if (!UUID.test(id)) throw new StrategyNotFoundError(id);
  const [row] = await db
    .select({ status: strategies.status, currentVersion: strategies.currentVersion })
    .from(strategies)
    .where(eq(strategies.id, id))
    .for('update');
  if (!row) throw new StrategyNotFoundError(id);
  if (row.status === 'ARCHIVED') throw new StrategyArchivedError(id);
  return row;
}

async function versionRow(db: Db, id: string, version: number): Promise<StrategyVersionRecord> {
  const [row] = await selectVersions(db).where(
    and(eq(strategyVersions.strategyId, id), eq(strategyVersions.version, version)),
  );
  if (!row) throw new StrategyVersionNotFoundError(id, version);
  return toVersion(row);
}

/**
 * When a run starts, in market time: the close of the newest candle stored for the version's symbols and
 * interval (epoch 0 when none is stored yet). The version signals only on candles that close after it, so a
 * replay, a live feed and a restart agree on what "after activation" means, whatever the wall clock says.
 */
async function marketTime(tx: Db, symbols: readonly string[], interval: string): Promise<Date> {
  const [row] = await tx
    .select({ at: max(candles.closeTime) })
    .from(candles)
    .where(and(inArray(candles.symbol, [...symbols]), eq(candles.interval, interval)));
  return row?.at ?? new Date(0);
}

/** Keeps the runs a change replaced, ending where their successor's run begins (`strategy_run_ends`). */
async function recordRunEnds(tx: Db, replaced: readonly StrategyRunRow[], endedAt: Date): Promise<void> {
  if (replaced.length === 0) return;
  await tx
    .insert(strategyRunEnds)
    .values(replaced.map((run) => ({ ...run, endedAt })))
    .onConflictDoNothing();
}

/** Runs a mutation in one transaction and reads the strategy back in it. */
async function mutate(
  db: Db,
  id: string,
  change: (tx: Db, locked: { currentVersion: number }) => Promise<StrategyChange>,
): Promise<StrategyMutation> {
  return db.transaction(async (tx) => {
    const locked = await lockForChange(tx, id);
    const recorded = await change(tx, locked);
    return { strategy: await currentRecord(tx, id), change: recorded };
  });
}

/**
 * Creates a strategy and its version 1, optionally running it, and its `created` change, in one transaction.
 * With `maxStrategies`, refuses (`StrategyLimitError`) when that many unarchived strategies exist.
 */
export async function createStrategy(
  db: Db,
  input: NewStrategy,
  options: { readonly maxStrategies?: number | undefined } = {},
): Promise<StrategyMutation> {
  try {
    return await db.transaction(async (tx) => {
      if (options.maxStrategies !== undefined) {
        await tx.execute(sql`select pg_advisory_xact_lock(${CREATE_LOCK})`);
        const [row] = await tx.select({ n: count() }).from(strategies).where(ne(strategies.status, 'ARCHIVED'));
        if ((row?.n ?? 0) >= options.maxStrategies) throw new StrategyLimitError(options.maxStrategies);
      }
      const now = new Date();
      const [row] = await tx
        .insert(strategies)
        .values({
          name: input.name,
          owner: input.owner ?? 'system',
          visibility: input.visibility ?? 'PRIVATE',
          status: input.run ? 'ACTIVE' : 'INACTIVE',
          currentVersion: 1,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: strategies.id });
      if (!row) throw new Error('insert returned no row');
      await tx.insert(strategyVersions).values({
        strategyId: row.id,
        version: 1,
        source: input.source,
        symbols: [...input.symbols],
        interval: input.document.interval,
        document: input.document,
        changeNote: input.changeNote ?? null,
        createdAt: now,
      });
      if (input.run) {
        const activatedAt = await marketTime(tx, input.symbols, input.document.interval);
        await tx.insert(strategyRuns).values({ strategyId: row.id, version: 1, mode: input.run.mode, activatedAt });
      }
      const change = await recordChange(tx, row.id, 1, 'created');
      return { strategy: await currentRecord(tx, row.id), change };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new StrategyNameTakenError(input.name);
    throw error;
  }
}

/**
 * Appends version max + 1 and makes it current. A LIVE run of the version that was current moves to the new
 * one (activated now); other runs stay where they are.
 */
async function appendVersion(
  tx: Db,
  id: string,
  currentVersion: number,
  next: { symbols: readonly string[]; document: StrategyDocument; source: StrategySource; changeNote: string | null },
  type: StrategyChangeType,
): Promise<StrategyChange> {
  const [top] = await tx
    .select({ version: max(strategyVersions.version) })
    .from(strategyVersions)
    .where(eq(strategyVersions.strategyId, id));
  const version = (top?.version ?? 0) + 1;
  const now = new Date();
  await tx.insert(strategyVersions).values({
    strategyId: id,
    version,
    source: next.source,
    symbols: [...next.symbols],
    interval: next.document.interval,
    document: next.document,
    changeNote: next.changeNote,
    createdAt: now,
  });
  const moved = await tx
    .delete(strategyRuns)
    .where(
      and(eq(strategyRuns.strategyId, id), eq(strategyRuns.version, currentVersion), eq(strategyRuns.mode, 'LIVE')),
    )
    .returning();
  if (moved.length > 0) {
    const activatedAt = await marketTime(tx, next.symbols, next.document.interval);
    await tx.insert(strategyRuns).values({ strategyId: id, version, mode: 'LIVE', activatedAt });
    await recordRunEnds(tx, moved, activatedAt);
  }
  await tx.update(strategies).set({ currentVersion: version, updatedAt: now }).where(eq(strategies.id, id));
  return recordChange(tx, id, version, type);
}

/** A new version from the current one with the given changes; see `appendVersion` for what happens to runs. */
export async function updateStrategy(
  db: Db,
  id: string,
  changes: {
    readonly document?: StrategyDocument | undefined;
    readonly symbols?: readonly string[] | undefined;
    readonly changeNote?: string | null | undefined;
  },
): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    const current = await versionRow(tx, id, locked.currentVersion);
    return appendVersion(
      tx,
      id,
      locked.currentVersion,
      {
        // A new document says what it is: one that names a model is an AI_ML strategy.
        source:
          changes.document === undefined ? current.source : changes.document.model !== undefined ? 'AI_ML' : 'NO_CODE',
        symbols: changes.symbols ?? current.symbols,
        document: changes.document ?? current.document,
        changeNote: changes.changeNote ?? null,
      },
      'updated',
    );
  });
}

/**
 * Rolls back to an earlier version by making a NEW version with its document and symbols (history stays intact);
 * the change note defaults to "rollback to vN".
 */
export async function rollbackStrategy(
  db: Db,
  id: string,
  version: number,
  changeNote?: string | null,
): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    const target = await versionRow(tx, id, version);
    return appendVersion(
      tx,
      id,
      locked.currentVersion,
      {
        source: target.source,
        symbols: target.symbols,
        document: target.document,
        changeNote: changeNote ?? `rollback to v${version}`,
      },
      'rolledBack',
    );
  });
}

/** Archives a strategy for good: it stops running and refuses every later change. */
export async function archiveStrategy(db: Db, id: string): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    await tx.delete(strategyRuns).where(eq(strategyRuns.strategyId, id));
    await tx.update(strategies).set({ status: 'ARCHIVED', updatedAt: new Date() }).where(eq(strategies.id, id));
    return recordChange(tx, id, locked.currentVersion, 'archived');
  });
}

/**
 * Runs a version (default: the current one) in a mode (default LIVE). A version already running changes mode and
 * keeps its activation time; a new run is activated now. The strategy becomes ACTIVE.
 */
export async function activateStrategy(
  db: Db,
  id: string,
  options: { readonly version?: number | undefined; readonly mode?: StrategyMode | undefined } = {},
): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    const version = options.version ?? locked.currentVersion;
    const row = await versionRow(tx, id, version);
    const now = new Date();
    const activatedAt = await marketTime(tx, row.symbols, row.interval);
    await tx
      .insert(strategyRuns)
      .values({ strategyId: id, version, mode: options.mode ?? 'LIVE', activatedAt })
      .onConflictDoUpdate({
        target: [strategyRuns.strategyId, strategyRuns.version],
        set: { mode: options.mode ?? 'LIVE' },
      });
    await tx.update(strategies).set({ status: 'ACTIVE', updatedAt: now }).where(eq(strategies.id, id));
    return recordChange(tx, id, version, 'activated');
  });
}

/** Stops one running version, or all of them; with none left running the strategy becomes INACTIVE. */
export async function deactivateStrategy(
  db: Db,
  id: string,
  options: { readonly version?: number | undefined } = {},
): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    const conditions = [eq(strategyRuns.strategyId, id)];
    if (options.version !== undefined) {
      await versionRow(tx, id, options.version);
      conditions.push(eq(strategyRuns.version, options.version));
    }
    await tx.delete(strategyRuns).where(and(...conditions));
    const [left] = await tx.select({ n: count() }).from(strategyRuns).where(eq(strategyRuns.strategyId, id));
    await tx
      .update(strategies)
      .set({ updatedAt: new Date(), ...((left?.n ?? 0) === 0 ? { status: 'INACTIVE' as const } : {}) })
      .where(eq(strategies.id, id));
    return recordChange(tx, id, options.version ?? locked.currentVersion, 'deactivated');
  });
}

/**
 * Promotes a version: it runs LIVE (keeping its activation time if it was running, e.g. in shadow), every other
 * run of the strategy stops, and it becomes the current version.
 */
export async function promoteStrategy(db: Db, id: string, version: number): Promise<StrategyMutation> {
  return mutate(db, id, async (tx) => {
    const row = await versionRow(tx, id, version);
    const now = new Date();
    const activatedAt = await marketTime(tx, row.symbols, row.interval);
    const replaced = await tx
      .delete(strategyRuns)
      .where(and(eq(strategyRuns.strategyId, id), ne(strategyRuns.version, version)))
      .returning();
    const [promoted] = await tx
      .insert(strategyRuns)
      .values({ strategyId: id, version, mode: 'LIVE', activatedAt })
      .onConflictDoUpdate({ target: [strategyRuns.strategyId, strategyRuns.version], set: { mode: 'LIVE' } })
      .returning({ activatedAt: strategyRuns.activatedAt });
    // The engine ends the replaced runs where the promoted one's run began (kept if it ran already, in shadow).
    await recordRunEnds(tx, replaced, promoted?.activatedAt ?? activatedAt);
    await tx
      .update(strategies)
      .set({ currentVersion: version, status: 'ACTIVE', updatedAt: now })
      .where(eq(strategies.id, id));
    return recordChange(tx, id, version, 'promoted');
  });
}

/** Makes a strategy public or private again; readers are the owner and admins while it is private. */
export async function setStrategyVisibility(
  db: Db,
  id: string,
  visibility: StrategyVisibility,
): Promise<StrategyMutation> {
  return mutate(db, id, async (tx, locked) => {
    await tx.update(strategies).set({ visibility, updatedAt: new Date() }).where(eq(strategies.id, id));
    return recordChange(tx, id, locked.currentVersion, 'visibilityChanged');
  });
}

/** The condition "the strategy is `sub`'s or public" on `strategies`. */
export function readableBy(sub: string): SQL {
  return or(eq(strategies.owner, sub), eq(strategies.visibility, 'PUBLIC')) as SQL;
}

/** Who may read a strategy: its owner, and everyone authenticated when it is public. */
export interface StrategyAccess {
  readonly owner: string;
  readonly visibility: StrategyVisibility;
}

/** Owner and visibility of strategies by id, in the order of `ids` (`undefined` where none). */
export async function strategyAccess(db: Db, ids: readonly string[]): Promise<(StrategyAccess | undefined)[]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return ids.map(() => undefined);
  const rows = await db
    .select({ id: strategies.id, owner: strategies.owner, visibility: strategies.visibility })
    .from(strategies)
    .where(inArray(strategies.id, valid));
  const byId = new Map(rows.map(({ id, ...access }) => [id, access]));
  return ids.map((id) => byId.get(id));
}

/** Strategies by id, in the order of `ids` (`undefined` where none): the shape DataLoader needs. */
export async function getStrategies(db: Db, ids: readonly string[]): Promise<(StrategyRecord | undefined)[]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return ids.map(() => undefined);
  const rows = await selectCurrent(db).where(inArray(strategies.id, valid));
  const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
  return ids.map((id) => byId.get(id));
}

/** Finds a strategy by its unique name. */
export async function getStrategyByName(db: Db, name: string): Promise<StrategyRecord | undefined> {
  const [row] = await selectCurrent(db).where(eq(strategies.name, name));
  return row && toRecord(row);
}

/** One version of a strategy; `undefined` when there is no such version. */
export async function getStrategyVersion(
  db: Db,
  id: string,
  version: number,
): Promise<StrategyVersionRecord | undefined> {
  if (!UUID.test(id)) return undefined;
  try {
    return await versionRow(db, id, version);
  } catch (error) {
    if (error instanceof StrategyVersionNotFoundError) return undefined;
    throw error;
  }
}

function groupBy<T extends { strategyId: string }>(ids: readonly string[], rows: readonly T[]): T[][] {
  const byId = new Map<string, T[]>();
  for (const row of rows) {
    const list = byId.get(row.strategyId);
    if (list) list.push(row);
    else byId.set(row.strategyId, [row]);
  }
  return ids.map((id) => byId.get(id) ?? []);
}

/** Every version of each strategy, oldest first, in the order of `ids` (one query: a DataLoader batch). */
export async function listStrategyVersions(db: Db, ids: readonly string[]): Promise<StrategyVersionRecord[][]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return ids.map(() => []);
  const rows = await selectVersions(db)
    .where(inArray(strategyVersions.strategyId, valid))
    .orderBy(asc(strategyVersions.strategyId), asc(strategyVersions.version));
  return groupBy(ids, rows.map(toVersion));
}

/** The running versions of each strategy, by version, in the order of `ids`. */
export async function listStrategyRuns(db: Db, ids: readonly string[]): Promise<StrategyRunRecord[][]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return ids.map(() => []);
  const rows = await db
    .select()
    .from(strategyRuns)
    .where(inArray(strategyRuns.strategyId, valid))
    .orderBy(asc(strategyRuns.strategyId), asc(strategyRuns.version));
  return groupBy(ids, rows);
}

/** The engine's figures for each strategy's versions, by version, in the order of `ids`. */
export async function listStrategyVersionStats(
  db: Db,
  ids: readonly string[],
): Promise<Required<StrategyVersionStats>[][]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return ids.map(() => []);
  const rows = await db
    .select()
    .from(strategyVersionStats)
    .where(inArray(strategyVersionStats.strategyId, valid))
    .orderBy(asc(strategyVersionStats.strategyId), asc(strategyVersionStats.version));
  return groupBy(ids, rows);
}

/** Writes the engine's figures per (strategy, version), replacing earlier ones. */
export async function saveStrategyVersionStats(db: Db, rows: readonly StrategyVersionStats[]): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date();
  await db
    .insert(strategyVersionStats)
    .values(rows.map((row) => ({ ...row, updatedAt: row.updatedAt ?? now })))
    .onConflictDoUpdate({
      target: [strategyVersionStats.strategyId, strategyVersionStats.version],
      set: {
        evaluations: sql`excluded.evaluations`,
        evalP50Ms: sql`excluded.eval_p50_ms`,
        evalP99Ms: sql`excluded.eval_p99_ms`,
        errors: sql`excluded.errors`,
        lastError: sql`excluded.last_error`,
        state: sql`excluded.state`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

export interface StrategyFilter {
  readonly status?: StrategyStatus | undefined;
  readonly symbol?: string | undefined;
  readonly source?: StrategySource | undefined;
  /** Strategies with a version running in this mode. */
  readonly mode?: StrategyMode | undefined;
  /** Only strategies this `sub` owns or that are public; unset: every strategy (an admin). */
  readonly readableBy?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly { readonly node: T; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}

/** Strategies oldest first (creation time, then id), a page at a time (keyset: the cursor is that key). */
export async function listStrategies(
  db: Db,
  params: { first: number; after?: string | null | undefined; filter?: StrategyFilter | null | undefined },
): Promise<Page<StrategyRecord>> {
  const conditions: SQL[] = [];
  const filter = params.filter ?? {};
  if (filter.status) conditions.push(eq(strategies.status, filter.status));
  if (filter.source) conditions.push(eq(strategyVersions.source, filter.source));
  if (filter.readableBy !== undefined) conditions.push(readableBy(filter.readableBy));
  if (filter.symbol) conditions.push(arrayContains(strategyVersions.symbols, [filter.symbol]));
  if (filter.mode) {
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(strategyRuns)
          .where(and(eq(strategyRuns.strategyId, strategies.id), eq(strategyRuns.mode, filter.mode))),
      ),
    );
  }
  if (params.after != null) {
    const [createdAt, id] = decodeCursor(params.after) ?? [];
    if (typeof createdAt !== 'number' || !Number.isFinite(createdAt) || typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidCursorError(params.after);
    }
    const at = new Date(createdAt);
    conditions.push(or(gt(strategies.createdAt, at), and(eq(strategies.createdAt, at), gt(strategies.id, id))) as SQL);
  }
  const rows = await selectCurrent(db)
    .where(and(...conditions))
    .orderBy(asc(strategies.createdAt), asc(strategies.id))
    .limit(params.first + 1);
  return {
    items: rows.slice(0, params.first).map((row) => ({
      node: toRecord(row),
      cursor: encodeCursor([row.createdAt.getTime(), row.id]),
    })),
    hasNextPage: rows.length > params.first,
  };
}

/**
 * What the engine runs: one spec per run of an ACTIVE strategy (two for a strategy running two versions), by
 * strategy creation then version; `activatedAt` is the run's.
 */
export async function runningStrategySpecs(db: Db): Promise<StrategySpec[]> {
  const rows = await db
    .select({
      ...versionColumns,
      name: strategies.name,
      status: strategies.status,
      mode: strategyRuns.mode,
      activatedAt: strategyRuns.activatedAt,
    })
    .from(strategyRuns)
    .innerJoin(strategies, eq(strategies.id, strategyRuns.strategyId))
    .innerJoin(
      strategyVersions,
      and(eq(strategyVersions.strategyId, strategyRuns.strategyId), eq(strategyVersions.version, strategyRuns.version)),
    )
    .where(eq(strategies.status, 'ACTIVE'))
    .orderBy(asc(strategies.createdAt), asc(strategies.id), asc(strategyRuns.version));
  return rows.map((row) => toSpec(row));
}

/** What the engine runs of a version row joined with its strategy and run. */
function toSpec(
  row: VersionRow & {
    name: string;
    status: StrategyStatus;
    mode: StrategyMode;
    activatedAt: Date;
    endedAt?: Date;
  },
): StrategySpec {
  const version = toVersion(row);
  return {
    id: row.strategyId,
    name: row.name,
    version: row.version,
    source: version.source,
    symbols: version.symbols,
    interval: version.interval,
    document: version.document,
    status: row.status,
    mode: row.mode,
    activatedAt: row.activatedAt.getTime(),
    ...(row.endedAt === undefined ? {} : { endsAt: row.endedAt.getTime() }),
  };
}

/**
 * The runs a change replaced that an engine may still owe candles to: one spec per ended run of an ACTIVE
 * strategy, with `endsAt` (its successor's activation), where a series of the version is one the engine's
 * progress (`consumer`, as in `engine_progress`) has not reached that time on. A series with no progress is
 * warm-up only to the engine, so it owes nothing there.
 */
export async function endedStrategyRuns(db: Db, consumer: string): Promise<StrategySpec[]> {
  const rows = await db
    .select({
      ...versionColumns,
      name: strategies.name,
      status: strategies.status,
      mode: strategyRunEnds.mode,
      activatedAt: strategyRunEnds.activatedAt,
      endedAt: strategyRunEnds.endedAt,
    })
    .from(strategyRunEnds)
    .innerJoin(strategies, eq(strategies.id, strategyRunEnds.strategyId))
    .innerJoin(
      strategyVersions,
      and(
        eq(strategyVersions.strategyId, strategyRunEnds.strategyId),
        eq(strategyVersions.version, strategyRunEnds.version),
      ),
    )
    .where(
      and(
        eq(strategies.status, 'ACTIVE'),
        exists(
          db
            .select({ one: sql`1` })
            .from(engineProgress)
            .where(
              and(
                eq(engineProgress.consumer, consumer),
                eq(engineProgress.interval, strategyVersions.interval),
                sql`${engineProgress.symbol} = any(${strategyVersions.symbols})`,
                lt(engineProgress.lastOpenTime, strategyRunEnds.endedAt),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(strategies.createdAt), asc(strategies.id), asc(strategyRunEnds.version), asc(strategyRunEnds.endedAt));
  return rows.map((row) => toSpec(row));
}

/** The newest change's `seq` (0 when nothing has changed yet): an engine reloads when it grows. */
export async function latestStrategyChange(db: Db): Promise<number> {
  const [row] = await db.select({ seq: max(strategyChanges.seq) }).from(strategyChanges);
  return Number(row?.seq ?? 0);
}

/** Changes after `seq`, oldest first. */
export async function listStrategyChanges(
  db: Db,
  params: { readonly after?: number | undefined; readonly limit?: number | undefined } = {},
): Promise<StrategyChange[]> {
  const rows = await db
    .select()
    .from(strategyChanges)
    .where(gt(strategyChanges.seq, params.after ?? 0))
    .orderBy(asc(strategyChanges.seq))
    .limit(params.limit ?? 1_000);
  return rows.map((row) => ({ ...row, type: row.type as StrategyChangeType }));
}
