import type { SignalAction } from '@alphintra/core';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { signals } from './signals.ts';

/** Which signals a webhook receives; an absent or empty list matches everything. */
export interface WebhookFilter {
  readonly symbols?: readonly string[] | undefined;
  readonly strategyIds?: readonly string[] | undefined;
  readonly actions?: readonly SignalAction[] | undefined;
  readonly minConfidence?: number | undefined;
}

/**
 * `PENDING`: not attempted yet (or replayed); `FAILED`: the last attempt failed and a retry is scheduled;
 * `DELIVERED`: a 2xx answer; `DEAD`: the retry window ran out (dead-lettered; `replayWebhookDelivery` revives it).
 */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED', 'DEAD'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', WEBHOOK_DELIVERY_STATUSES);

/**
 * A receiver of signals (Standard Webhooks). `secret` is `whsec_<base64>`; after a rotation the previous secret
 * also signs until `previousSecretExpiresAt`. A webhook receives the signals stored after it was registered
 * (`signals.seq > afterSeq`): what was stored before is history, not news.
 */
export const webhooks = pgTable('webhooks', {
  id: uuid().primaryKey().defaultRandom(),
  /**
   * The `sub` of who registered it, and their role then: an admin's webhook receives every signal, anyone else's
   * only those of public strategies and their own. Webhooks older than owners belong to an admin `system`.
   */
  owner: text().notNull().default('system'),
  ownerRole: text().notNull().default('admin'),
  url: text().notNull(),
  description: text().notNull().default(''),
  filter: jsonb().$type<WebhookFilter>().notNull().default({}),
  secret: text().notNull(),
  previousSecret: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true, precision: 3 }),
  paused: boolean().notNull().default(false),
  afterSeq: bigint({ mode: 'number' }).notNull().default(0),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * One signal to one webhook. The id is the stable `webhook-id` header (`msg_...`, derived from webhook and signal),
 * the same on every retry. `leaseUntil` marks an attempt in flight (claimed by a dispatcher process): a lease that
 * runs out (the process died) makes the delivery claimable again. `symbol` is the signal's, so deliveries of one
 * symbol start in order.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text().primaryKey(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    signalId: uuid()
      .notNull()
      .references(() => signals.id, { onDelete: 'cascade' }),
    signalSeq: bigint({ mode: 'number' }).notNull(),
    symbol: text().notNull(),
    status: webhookDeliveryStatus().notNull().default('PENDING'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** Start of the retry window: the first attempt (a replay starts a new window). */
    firstAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    lastAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true, precision: 3 }),
    leaseUntil: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique('webhook_deliveries_webhook_signal_key').on(t.webhookId, t.signalId),
    // The dispatcher's claim: due deliveries still to send.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('PENDING', 'FAILED')`),
    // Per-symbol order and a webhook's listing, newest first.
    index('webhook_deliveries_webhook_symbol_seq_idx').on(t.webhookId, t.symbol, t.signalSeq),
    index('webhook_deliveries_webhook_seq_idx').on(t.webhookId, t.signalSeq),
  ],
);

/** Every attempt of a delivery: when, the HTTP status if there was one, how long it took, why it failed. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    deliveryId: text()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer().notNull(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    httpStatus: integer(),
    latencyMs: doublePrecision().notNull(),
    error: text(),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.attempt] })],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
