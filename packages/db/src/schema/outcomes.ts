import { OUTCOME_STATUSES } from '@alphintra/core';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  numeric,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { signalAction, signals } from './signals.ts';

export const outcomeStatus = pgEnum('outcome_status', OUTCOME_STATUSES);

/** Numbers the closed outcomes in delivery order (`signal_outcomes.seq`). */
export const signalOutcomeSeq = pgSequence('signal_outcome_seq');

/**
 * What became of each live signal the outcome service follows: OPEN from when it learns of the signal, then closed
 * once (TAKE_PROFIT, STOP_LOSS or EXPIRED), never changed again. A closed row is its own outbox record: it gets its
 * delivery sequence (`seq`) in the transaction that closes it, under an advisory lock, so sequence order is commit
 * order and the Kafka relay reading `seq > cursor` never passes over one.
 */
export const signalOutcomes = pgTable(
  'signal_outcomes',
  {
    signalId: uuid()
      .primaryKey()
      .references(() => signals.id),
    strategyId: uuid().notNull(),
    strategyVersion: integer().notNull(),
    symbol: text().notNull(),
    /** The strategy version's interval: the candles the signal is followed on. */
    interval: text().notNull(),
    action: signalAction().notNull(),
    status: outcomeStatus().notNull(),
    /** The signal's timestamp. */
    openedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    entryPrice: numeric().notNull(),
    closedAt: timestamp({ withTimezone: true, precision: 3 }),
    exitPrice: numeric(),
    returnPct: doublePrecision(),
    /** Null while OPEN. */
    seq: bigint({ mode: 'number' }).unique(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // The service's restart reads the open ones; few among many.
    index('signal_outcomes_open_idx').on(t.status, t.symbol, t.interval),
  ],
);

export type SignalOutcomeRow = typeof signalOutcomes.$inferSelect;
