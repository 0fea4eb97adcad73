import { OUTCOME_STATUSES } from '@alphintra/core';
import {
  bigint,
  doublePrecision,
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
 * What became of each live signal the outcome service follows, once it is closed (TAKE_PROFIT, STOP_LOSS or
 * EXPIRED): one row per signal, written once and never changed. A live signal without a row is OPEN; the service
 * does not write that (it is the signal itself): one write per signal instead of two. A closed row is its
 * own outbox record: it gets its delivery sequence (`seq`) in the transaction that closes it, under an advisory lock,
 * so sequence order is commit order and the Kafka relay reading `seq > cursor` never passes over one. Rows of an
 * earlier version may be OPEN (null `seq`); closing such a row updates it.
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
    /** Null only on an OPEN row of an earlier version. */
    seq: bigint({ mode: 'number' }).unique(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // No index by status: nothing looks open outcomes up by their row (an open outcome has none).
);

export type SignalOutcomeRow = typeof signalOutcomes.$inferSelect;
