import { and, desc, eq, gt, gte, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { type ApiKeyRow, type AuditOutcome, type AuditRow, apiKeys, auditLog } from '../schema/access.ts';
import type { Page } from './strategies.ts';

export { AUDIT_OUTCOMES, type AuditOutcome } from '../schema/access.ts';

/** An API key as its owner sees it (never its hash). */
export interface ApiKeyRecord {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly role: string;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly createdAt: Date;
}

function apiKeyOf(row: ApiKeyRow): ApiKeyRecord {
  const { hash: _hash, ...record } = row;
  return record;
}

/** Stores a new API key by its hash. */
export async function createApiKey(
  db: Db,
  params: { owner: string; name: string; role: string; hash: string; expiresAt: Date | null },
): Promise<ApiKeyRecord> {
  const [row] = await db.insert(apiKeys).values(params).returning();
  return apiKeyOf(row as ApiKeyRow);
}

/** API keys, newest first: `owner`'s only, or every one. */
export async function listApiKeys(db: Db, params: { owner?: string | undefined } = {}): Promise<ApiKeyRecord[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(params.owner === undefined ? undefined : eq(apiKeys.owner, params.owner))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(apiKeyOf);
}

/** One API key, locked for a change when `forUpdate`; null when there is none. */
export async function getApiKey(db: Db, id: string, options: { forUpdate?: boolean } = {}) {
  const query = db.select().from(apiKeys).where(eq(apiKeys.id, id));
  const [row] = await (options.forUpdate ? query.for('update') : query);
  return row ? apiKeyOf(row) : null;
}

/** Revokes a key (from now on no request is accepted with it); a revoked key keeps its first revocation time. */
export async function revokeApiKey(db: Db, id: string, now = new Date()): Promise<ApiKeyRecord | null> {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return getApiKey(db, id);
}

/** The live key with this hash (not revoked, not expired at `now`), or null: what the gateway checks per request. */
export async function findApiKey(
  db: Db,
  hash: string,
  now = new Date(),
): Promise<{ readonly id: string; readonly owner: string; readonly role: string } | null> {
  const [row] = await db
    .select({ id: apiKeys.id, owner: apiKeys.owner, role: apiKeys.role })
    .from(apiKeys)
    .where(
      and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))),
    );
  return row ?? null;
}

/** What an audit record says. */
export interface AuditEntry {
  readonly actor: string;
  readonly actorRole: string;
  readonly apiKeyId?: string | null | undefined;
  readonly operation: string;
  readonly entityType?: string | null | undefined;
  readonly entityId?: string | null | undefined;
  readonly entityVersion?: number | null | undefined;
  readonly outcome: AuditOutcome;
  readonly error?: string | null | undefined;
}

/** A stored audit record. */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly at: Date;
}

/** Writes an audit record (inside the caller's transaction when `db` is one). */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor,
    actorRole: entry.actorRole,
    apiKeyId: entry.apiKeyId ?? null,
    operation: entry.operation,
    entityType: entry.entityType ?? null,
    entityId: entry.entityId ?? null,
    entityVersion: entry.entityVersion ?? null,
    outcome: entry.outcome,
    error: entry.error ?? null,
  });
}

/** Which audit records to list; every field narrows. */
export interface AuditFilter {
  readonly actor?: string | null | undefined;
  readonly operation?: string | null | undefined;
  readonly entityType?: string | null | undefined;
  readonly entityId?: string | null | undefined;
  readonly outcome?: AuditOutcome | null | undefined;
  readonly from?: Date | null | undefined;
  readonly to?: Date | null | undefined;
}

function auditOf(row: AuditRow): AuditRecord {
  return row;
}

/** Audit records, newest first (by sequence), a page at a time. */
export async function listAuditLog(
  db: Db,
  params: { first: number; after?: string | null | undefined; filter?: AuditFilter | null | undefined },
): Promise<Page<AuditRecord>> {
  const filter = params.filter ?? {};
  const conditions: SQL[] = [];
  if (filter.actor) conditions.push(eq(auditLog.actor, filter.actor));
  if (filter.operation) conditions.push(eq(auditLog.operation, filter.operation));
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
  if (filter.outcome) conditions.push(eq(auditLog.outcome, filter.outcome));
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lt(auditLog.at, filter.to));
  if (params.after != null) {
    const [seq] = decodeCursor(params.after) ?? [];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw new InvalidCursorError(params.after);
    conditions.push(lt(auditLog.seq, seq));
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(params.first + 1);
  return {
    items: rows.slice(0, params.first).map((row) => ({ node: auditOf(row), cursor: encodeCursor([row.seq]) })),
    hasNextPage: rows.length > params.first,
  };
}
