import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * An API key: a bearer token for machine clients, acting as its owner with its own role (at most the owner's).
 * Only the key's SHA-256 is kept; `revokedAt` ends it at once, since every request looks its hash up here.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The `sub` of who created it; requests with the key act as this owner. */
    owner: text().notNull(),
    name: text().notNull(),
    role: text().notNull(),
    hash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('api_keys_owner_idx').on(t.owner, t.createdAt)],
);

/** How a mutation ended. */
export const AUDIT_OUTCOMES = ['SUCCEEDED', 'FAILED', 'REFUSED'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One record per mutation: who, when, what, on which entity and version, and how it ended. A change's record is
 * written in the change's transaction; a failed or refused mutation's record is written after its rollback.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actor: text().notNull(),
    actorRole: text().notNull(),
    /** The API key the actor used, if any. */
    apiKeyId: uuid(),
    /** The mutation, e.g. `updateStrategy`. */
    operation: text().notNull(),
    entityType: text(),
    entityId: text(),
    entityVersion: integer(),
    outcome: text().$type<AuditOutcome>().notNull(),
    /** The error code and message of a failed or refused mutation. */
    error: text(),
  },
  (t) => [
    index('audit_log_actor_idx').on(t.actor, t.seq),
    index('audit_log_entity_idx').on(t.entityType, t.entityId, t.seq),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
