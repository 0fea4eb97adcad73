import { desc } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const ms = { withTimezone: true, precision: 3 } as const;

/**
 * Closed candles of every interval: the platform's source of truth for candle history. The primary key leads
 * with (symbol, interval, open_time), so `last N` of a series is a backward scan of its index, no sort. Prices
 * and volume are unconstrained `numeric`: the exact decimal strings written come back.
 */
export const candles = pgTable(
  'candles',
  {
    symbol: text().notNull(),
    interval: text().notNull(),
    openTime: timestamp(ms).notNull(),
    closeTime: timestamp(ms).notNull(),
    open: numeric().notNull(),
    high: numeric().notNull(),
    low: numeric().notNull(),
    close: numeric().notNull(),
    volume: numeric().notNull(),
    trades: integer().notNull(),
    source: text().notNull(),
    complete: boolean().notNull(),
    lastTradeTime: timestamp(ms).notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.interval, t.openTime] })],
);

/** The instruments a provider lists, by platform symbol. */
export const instruments = pgTable('instruments', {
  symbol: text().primaryKey(),
  baseAsset: text().notNull(),
  quoteAsset: text().notNull(),
  status: text().notNull(),
  /** The provider that lists it. */
  source: text().notNull(),
  updatedAt: timestamp(ms).notNull().defaultNow(),
});

/** The last trade taken per provider and symbol: where backfill resumes after a restart. */
export const feedCursors = pgTable(
  'feed_cursors',
  {
    provider: text().notNull(),
    symbol: text().notNull(),
    // Exchange trade ids stay below 2^53, so a JS number holds them exactly.
    lastTradeId: bigint({ mode: 'number' }).notNull(),
    lastTradeTime: timestamp(ms).notNull(),
    updatedAt: timestamp(ms).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.symbol] })],
);

/** Each provider's connection as the feed manager last reported it (what `Query.feeds` shows). */
export const feedStatus = pgTable('feed_status', {
  provider: text().primaryKey(),
  /** `PRIMARY` or `BACKUP`. */
  role: text().notNull(),
  /** Whether candles are built from this provider now. */
  active: boolean().notNull(),
  /** A `FeedState`. */
  state: text().notNull(),
  detail: text(),
  lastMessageAt: timestamp(ms),
  lagMs: doublePrecision(),
  reconnects: integer().notNull().default(0),
  gapsFilled: integer().notNull().default(0),
  tradesBackfilled: integer().notNull().default(0),
  tradesQuarantined: integer().notNull().default(0),
  /** Quarantined trades by reason. */
  quarantine: jsonb().$type<Record<string, number>>().notNull().default({}),
  updatedAt: timestamp(ms).notNull().defaultNow(),
});

/** Trades a quality check refused, newest kept (pruned per provider). */
export const quarantinedTrades = pgTable(
  'quarantined_trades',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    provider: text().notNull(),
    symbol: text().notNull(),
    tradeId: text().notNull(),
    price: text().notNull(),
    quantity: text().notNull(),
    tradeTime: timestamp(ms).notNull(),
    reason: text().notNull(),
    detail: text().notNull(),
    quarantinedAt: timestamp(ms).notNull().defaultNow(),
  },
  (t) => [
    index('quarantined_trades_newest_idx').on(desc(t.quarantinedAt)),
    index('quarantined_trades_provider_idx').on(t.provider, desc(t.id)),
  ],
);

/** The last candle a consumer (the engine) evaluated per series, so a restart resumes after it. */
export const engineProgress = pgTable(
  'engine_progress',
  {
    consumer: text().notNull(),
    symbol: text().notNull(),
    interval: text().notNull(),
    lastOpenTime: timestamp(ms).notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.symbol, t.interval] })],
);

export type CandleRow = typeof candles.$inferSelect;
export type InstrumentRow = typeof instruments.$inferSelect;
export type FeedStatusRow = typeof feedStatus.$inferSelect;
export type QuarantinedTradeRow = typeof quarantinedTrades.$inferSelect;
