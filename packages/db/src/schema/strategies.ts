import { STRATEGY_SOURCES, STRATEGY_STATUSES, STRATEGY_TYPES } from '@alphintra/core';
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const strategyType = pgEnum('strategy_type', STRATEGY_TYPES);
export const strategySource = pgEnum('strategy_source', STRATEGY_SOURCES);
export const strategyStatus = pgEnum('strategy_status', STRATEGY_STATUSES);

/** A strategy: its identity and lifecycle. What it computes lives in its immutable versions. */
export const strategies = pgTable(
  'strategies',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    status: strategyStatus().notNull().default('INACTIVE'),
    currentVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('strategies_status_idx').on(t.status)],
);

/** One immutable version of a strategy: a signal names the version that produced it. */
export const strategyVersions = pgTable(
  'strategy_versions',
  {
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    type: strategyType().notNull(),
    source: strategySource().notNull().default('NO_CODE'),
    symbols: text().array().notNull(),
    interval: text().notNull(),
    parameters: jsonb().$type<Record<string, number>>().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.strategyId, t.version] })],
);

export type StrategyRow = typeof strategies.$inferSelect;
export type StrategyVersionRow = typeof strategyVersions.$inferSelect;
