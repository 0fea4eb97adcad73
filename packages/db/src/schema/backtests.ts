import type { Signal, SignalOutcome, StrategyDocument } from '@alphintra/core';
import {
  doublePrecision,
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
import { strategies, strategySource } from './strategies.ts';

/**
 * `QUEUED`: waiting for a runner; `RUNNING`: a runner has it (and renews its lease); `SUCCEEDED`, `FAILED` (the
 * error says why, including a runner that stopped mid-job) and `CANCELLED` are final.
 */
export const BACKTEST_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

export const backtestStatus = pgEnum('backtest_status', BACKTEST_STATUSES);

/**
 * A backtest job: one strategy version (or an inline draft document, run as version 0) over the stored candles of
 * some symbols from `from` (inclusive) to `to` (exclusive, candle open times). `leaseUntil` is renewed by the runner
 * while the job is RUNNING: a lease that ran out means its process died, and the job is failed by the next runner.
 * The summary is written with the final status; the signals are in `backtest_signals`, never in `signals`.
 */
export const backtests = pgTable(
  'backtests',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The `sub` of who started it: a job is its owner's (and admins'). */
    owner: text().notNull(),
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id),
    /** The stored version run; 0 for an inline document. */
    strategyVersion: integer().notNull(),
    strategyName: text().notNull(),
    strategySource: strategySource().notNull(),
    interval: text().notNull(),
    /** The document run, copied so the job runs what was asked even if the strategy changes meanwhile. */
    document: jsonb().$type<StrategyDocument>().notNull(),
    symbols: text().array().notNull(),
    from: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    to: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    feeBps: doublePrecision().notNull(),
    slippageBps: doublePrecision().notNull(),
    status: backtestStatus().notNull().default('QUEUED'),
    /** Candles evaluated so far, of `candlesTotal` (known once the job runs). */
    candlesDone: integer().notNull().default(0),
    candlesTotal: integer(),
    signalCount: integer().notNull().default(0),
    error: text(),
    summary: jsonb().$type<Record<string, number | null>>(),
    leaseUntil: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true, precision: 3 }),
    finishedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    index('backtests_owner_idx').on(t.owner, t.createdAt),
    index('backtests_status_idx').on(t.status, t.createdAt),
  ],
);

/**
 * The signals of a backtest, each with its outcome (followed on the stored 1m candles). Kept apart from `signals`,
 * whose rows are the outbox: a backtest never reaches Kafka, the pub/sub or webhooks.
 */
export const backtestSignals = pgTable(
  'backtest_signals',
  {
    backtestId: uuid()
      .notNull()
      .references(() => backtests.id, { onDelete: 'cascade' }),
    id: uuid().notNull(),
    timestamp: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    symbol: text().notNull(),
    signal: jsonb().$type<Signal>().notNull(),
    outcome: jsonb().$type<SignalOutcome>(),
  },
  (t) => [
    primaryKey({ columns: [t.backtestId, t.id] }),
    index('backtest_signals_time_idx').on(t.backtestId, t.timestamp, t.id),
  ],
);

export type BacktestRow = typeof backtests.$inferSelect;
export type BacktestSignalRow = typeof backtestSignals.$inferSelect;
