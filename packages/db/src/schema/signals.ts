import { desc } from 'drizzle-orm';
import { doublePrecision, index, integer, numeric, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { strategies, strategySource } from './strategies.ts';

export const signalAction = pgEnum('signal_action', ['BUY', 'SELL']);

/**
 * Every signal the engine produced. The id is deterministic (strategy, version, symbol, candle close), so a
 * redelivered or replayed signal is a duplicate the primary key rejects. Prices are unconstrained `numeric`,
 * which returns exactly the decimal string that was written.
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
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('signals_newest_idx').on(desc(t.timestamp), desc(t.id)),
    index('signals_symbol_idx').on(t.symbol, desc(t.timestamp)),
    index('signals_strategy_idx').on(t.strategyId, desc(t.timestamp)),
  ],
);

export type SignalRow = typeof signals.$inferSelect;
