import type { SignalExplanation } from '@alphintra/core';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { strategies, strategySource } from './strategies.ts';

export const signalAction = pgEnum('signal_action', ['BUY', 'SELL']);

/**
 * Every signal the engine produced. The id is deterministic (strategy, version, symbol, candle close), so a
 * redelivered or replayed signal is a duplicate the primary key rejects. Prices are unconstrained `numeric`,
 * which returns exactly the decimal string that was written. Rows written before signals carried an explanation
 * read as the empty explanation and, their expiry unknown, as expiring at their own time (a migration sets it).
 */
export const signals = pgTable(
  'signals',
  {
    id: uuid().primaryKey(),
    timestamp: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    strategyId: uuid()
      .notNull()
      .references(() => strategies.id),
    strategyName: text().notNull(),
    strategyVersion: integer().notNull(),
    strategySource: strategySource().notNull(),
    symbol: text().notNull(),
    action: signalAction().notNull(),
    confidence: doublePrecision().notNull(),
    quantity: numeric(),
    priceTarget: numeric().notNull(),
    stopLoss: numeric().notNull(),
    takeProfit: numeric().notNull(),
    riskScore: doublePrecision().notNull(),
    marketConditions: text().notNull(),
    volatility: doublePrecision().notNull(),
    volumeProfile: text().notNull(),
    orderType: text().notNull(),
    timeInForce: text().notNull(),
    maxSlippage: doublePrecision().notNull(),
    marketDataTimestamp: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    latencyMs: doublePrecision(),
    explanation: jsonb().$type<SignalExplanation>().notNull().default({ rule: '', indicators: [] }),
    // Nullable only so the column could be added to a filled table; every insert sets it.
    expiresAt: timestamp({ withTimezone: true, precision: 3 }),
    shadow: boolean().notNull().default(false),
    /**
     * The delivery sequence: the outbox order. Inserts take a transaction-scoped advisory lock, so sequence order is
     * commit order, and a relay reading `seq > cursor` can never pass over a row committed later with a lower seq.
     */
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // Ascending, read backwards for newest first: new rows land at the right end of their group, where the B-tree
    // splits pages after the new item; a descending index takes them at the left end, splits pages in half and
    // costs a third of the insert rate (docs/architecture.md, "The signal row as the outbox record").
    // Every listing filters on `shadow` (live only unless asked), then pages newest first.
    index('signals_shadow_time_idx').on(t.shadow, t.timestamp, t.id),
    // Pages filtered by symbol: the keyset's row comparison is an index bound and no sort is needed.
    index('signals_symbol_time_idx').on(t.symbol, t.shadow, t.timestamp, t.id),
    // Per-strategy pages (`Strategy.signals`) and per-version counts.
    index('signals_strategy_time_idx').on(t.strategyId, t.shadow, t.timestamp, t.id),
  ],
);

export type SignalRow = typeof signals.$inferSelect;

/**
 * How far each delivery channel (the subscription pub/sub, Kafka, each webhook) has delivered the outbox: the
 * highest `signals.seq` it has handed over. Channels advance independently, so one being down holds up no other.
 */
export const deliveryCursors = pgTable('delivery_cursors', {
  channel: text().primaryKey(),
  lastSeq: bigint({ mode: 'number' }).notNull(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});
