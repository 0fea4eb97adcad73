import { STRATEGY_MODES, STRATEGY_SOURCES, STRATEGY_STATUSES, type StrategyDocument } from '@alphintra/core';
import {
  bigint,
  bigserial,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** The built-in kinds strategies had before documents; only rows written before documents carry one. */
export const LEGACY_STRATEGY_TYPES = ['EMA_CROSSOVER', 'RSI_REVERSION'] as const;
export type LegacyStrategyType = (typeof LEGACY_STRATEGY_TYPES)[number];

/** What the engine reports of a running version: `ERROR` when its last evaluation failed. */
export const STRATEGY_VERSION_STATES = ['RUNNING', 'ERROR'] as const;
export type StrategyVersionState = (typeof STRATEGY_VERSION_STATES)[number];

export const strategyType = pgEnum('strategy_type', LEGACY_STRATEGY_TYPES);
export const strategySource = pgEnum('strategy_source', STRATEGY_SOURCES);
export const strategyStatus = pgEnum('strategy_status', STRATEGY_STATUSES);
export const strategyMode = pgEnum('strategy_mode', STRATEGY_MODES);

/** `PUBLIC`: anyone authenticated reads the strategy and its signals; `PRIVATE`: its owner and admins only. */
export const STRATEGY_VISIBILITIES = ['PRIVATE', 'PUBLIC'] as const;
export type StrategyVisibility = (typeof STRATEGY_VISIBILITIES)[number];
export const strategyVisibility = pgEnum('strategy_visibility', STRATEGY_VISIBILITIES);

/**
 * A strategy: its identity, owner and lifecycle. What it computes lives in its immutable versions. Rows written
 * before owners existed belong to `system` and are private.
 */
export const strategies = pgTable(
  'strategies',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    /** The `sub` of who created it. */
    owner: text().notNull().default('system'),
    visibility: strategyVisibility().notNull().default('PRIVATE'),
    status: strategyStatus().notNull().default('INACTIVE'),
    currentVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('strategies_status_idx').on(t.status),
    index('strategies_created_idx').on(t.createdAt, t.id),
    index('strategies_owner_idx').on(t.owner),
  ],
);

/**
 * One immutable version of a strategy: a signal names the version that produced it. Versions written before
 * documents have `type` + `parameters` and no `document`; they read as the equivalent template document.
 */
export const strategyVersions = pgTable(
  'strategy_versions',
  {
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    source: strategySource().notNull().default('NO_CODE'),
    symbols: text().array().notNull(),
    /** The document's interval (the legacy row's own interval when there is no document). */
    interval: text().notNull(),
    document: jsonb().$type<StrategyDocument>(),
    changeNote: text(),
    type: strategyType(),
    parameters: jsonb().$type<Record<string, number>>(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.strategyId, t.version] })],
);

/** The versions running now, each in one mode; two versions of one strategy may run side by side. */
export const strategyRuns = pgTable(
  'strategy_runs',
  {
    strategyId: uuid().notNull(),
    version: integer().notNull(),
    mode: strategyMode().notNull(),
    /** From when the version may signal: earlier candles only warm it up. */
    activatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.strategyId, t.version] }),
    foreignKey({
      columns: [t.strategyId, t.version],
      foreignColumns: [strategyVersions.strategyId, strategyVersions.version],
    }).onDelete('cascade'),
  ],
);

/**
 * Runs a change replaced with a successor (an update, a rollback, a promotion), each with the market time the
 * successor took over at (its activation). An engine that (re)starts behind that time still owes the candles up
 * to it to the replaced version, which a backtest over the same candles gives them to.
 */
export const strategyRunEnds = pgTable(
  'strategy_run_ends',
  {
    strategyId: uuid().notNull(),
    version: integer().notNull(),
    mode: strategyMode().notNull(),
    activatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** The successor's activation: candles that close after it are not this run's. */
    endedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.strategyId, t.version, t.endedAt] }),
    foreignKey({
      columns: [t.strategyId, t.version],
      foreignColumns: [strategyVersions.strategyId, strategyVersions.version],
    }).onDelete('cascade'),
  ],
);

/**
 * One row per strategy mutation, written in the mutation's transaction: an engine that missed the bus event
 * sees a newer `seq` here and reloads.
 */
export const strategyChanges = pgTable(
  'strategy_changes',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    type: text().notNull(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('strategy_changes_strategy_idx').on(t.strategyId, t.seq)],
);

/** How each running version fares, written by the engine and read by the API. */
export const strategyVersionStats = pgTable(
  'strategy_version_stats',
  {
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    evaluations: bigint({ mode: 'number' }).notNull().default(0),
    evalP50Ms: doublePrecision('eval_p50_ms'),
    evalP99Ms: doublePrecision('eval_p99_ms'),
    errors: integer().notNull().default(0),
    lastError: text(),
    state: text().$type<StrategyVersionState>().notNull(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.strategyId, t.version] })],
);

export type StrategyRow = typeof strategies.$inferSelect;
export type StrategyVersionRow = typeof strategyVersions.$inferSelect;
export type StrategyRunRow = typeof strategyRuns.$inferSelect;
export type StrategyChangeRow = typeof strategyChanges.$inferSelect;
export type StrategyVersionStatsRow = typeof strategyVersionStats.$inferSelect;
