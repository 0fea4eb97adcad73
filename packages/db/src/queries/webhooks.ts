import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { signals } from '../schema/signals.ts';
import {
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookDeliveryStatus,
  type WebhookFilter,
  type WebhookRow,
  webhookAttempts,
  webhookDeliveries,
  webhooks,
} from '../schema/webhooks.ts';
import type { Page } from './strategies.ts';

export {
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookDeliveryStatus,
  type WebhookFilter,
} from '../schema/webhooks.ts';

/** A webhook as the API shows it (never its secrets). */
export interface WebhookRecord {
  readonly id: string;
  /** The `sub` of who registered it, and their role then (an admin's webhook receives every signal). */
  readonly owner: string;
  readonly ownerRole: string;
  readonly url: string;
  readonly description: string;
  readonly filter: WebhookFilter;
  readonly paused: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A webhook with what signs its deliveries. */
export interface WebhookWithSecrets extends WebhookRecord {
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/** One attempt of a delivery. */
export interface WebhookAttemptRecord {
  readonly attempt: number;
  readonly at: Date;
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** A delivery with its attempts, oldest first. */
export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly webhookId: string;
  readonly signalId: string;
  readonly signalSeq: number;
  readonly symbol: string;
  readonly status: WebhookDeliveryStatus;
  readonly attemptCount: number;
  readonly nextAttemptAt: Date | null;
  readonly firstAttemptAt: Date | null;
  readonly lastAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
  readonly attempts: readonly WebhookAttemptRecord[];
}

function webhookOf(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    owner: row.owner,
    ownerRole: row.ownerRole,
    url: row.url,
    description: row.description,
    filter: row.filter,
    paused: row.paused,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function withSecrets(row: WebhookRow): WebhookWithSecrets {
  return {
    ...webhookOf(row),
    secret: row.secret,
    previousSecret: row.previousSecret,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
  };
}

function attemptOf(row: WebhookAttemptRow): WebhookAttemptRecord {
  return { attempt: row.attempt, at: row.at, httpStatus: row.httpStatus, latencyMs: row.latencyMs, error: row.error };
}

function deliveryOf(row: WebhookDeliveryRow, attempts: readonly WebhookAttemptRecord[]): WebhookDeliveryRecord {
  const open = row.status === 'PENDING' || row.status === 'FAILED';
  return {
    id: row.id,
    webhookId: row.webhookId,
    signalId: row.signalId,
    signalSeq: row.signalSeq,
    symbol: row.symbol,
    status: row.status,
    attemptCount: row.attempts,
    nextAttemptAt: open ? row.nextAttemptAt : null,
    firstAttemptAt: row.firstAttemptAt,
    lastAttemptAt: row.lastAttemptAt,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    attempts,
  };
}

/**
 * The outbox lock `store_signal_columns` takes (migration 0014, as `store_signals` of 0012 does): signal inserts hold
 * it until they commit.
 */
const OUTBOX_LOCK = 0x5167_6e01;

/**
 * Registers a webhook. It receives the signals stored from now on: its `afterSeq` is the newest delivery sequence
 * committed. The insert holds the outbox lock, as signal inserts do, so no batch commits between reading that
 * sequence and the registration's own commit: a batch stored meanwhile would have a higher sequence, yet the relay
 * could hand it to the webhook channel before the new webhook is visible, and the webhook would never get it.
 */
export async function createWebhook(
  db: Db,
  params: {
    url: string;
    description: string;
    filter: WebhookFilter;
    secret: string;
    /** Who registers it and their role; default an admin `system` (receives every signal). */
    owner?: string | undefined;
    ownerRole?: string | undefined;
  },
): Promise<WebhookRecord> {
  const row = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${OUTBOX_LOCK})`);
    const [inserted] = await tx
      .insert(webhooks)
      .values({
        owner: params.owner ?? 'system',
        ownerRole: params.ownerRole ?? 'admin',
        url: params.url,
        description: params.description,
        filter: params.filter,
        secret: params.secret,
        afterSeq: sql`(select coalesce(max(${signals.seq}), 0) from ${signals})`,
      })
      .returning();
    return inserted;
  });
  return webhookOf(row as WebhookRow);
}

/** Webhooks by creation time (oldest first): `owner`'s only, or every one. */
export async function listWebhooks(db: Db, params: { owner?: string | undefined } = {}): Promise<WebhookRecord[]> {
  const rows = await db
    .select()
    .from(webhooks)
    .where(params.owner === undefined ? undefined : eq(webhooks.owner, params.owner))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  return rows.map(webhookOf);
}

/** One webhook, or null. */
export async function getWebhook(db: Db, id: string): Promise<WebhookRecord | null> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row ? webhookOf(row) : null;
}

/** One webhook with its secrets (signing), or null. */
export async function getWebhookWithSecrets(db: Db, id: string): Promise<WebhookWithSecrets | null> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row ? withSecrets(row) : null;
}

/** What the webhook channel matches signals against: every webhook (paused ones too: their deliveries wait). */
export async function listWebhookTargets(db: Db): Promise<
  {
    readonly id: string;
    readonly owner: string;
    readonly ownerRole: string;
    readonly filter: WebhookFilter;
    readonly afterSeq: number;
  }[]
> {
  return db
    .select({
      id: webhooks.id,
      owner: webhooks.owner,
      ownerRole: webhooks.ownerRole,
      filter: webhooks.filter,
      afterSeq: webhooks.afterSeq,
    })
    .from(webhooks);
}

/**
 * Replaces a webhook's secret; the old one keeps signing (beside the new) until `previousExpiresAt`. Null when
 * there is no such webhook.
 */
export async function rotateWebhookSecret(
  db: Db,
  params: { id: string; secret: string; previousExpiresAt: Date },
): Promise<WebhookRecord | null> {
  const [row] = await db
    .update(webhooks)
    .set({
      previousSecret: sql`${webhooks.secret}`,
      previousSecretExpiresAt: params.previousExpiresAt,
      secret: params.secret,
      updatedAt: new Date(),
    })
    .where(eq(webhooks.id, params.id))
    .returning();
  return row ? webhookOf(row) : null;
}

/** Pauses or resumes a webhook (a paused webhook's deliveries are kept and wait). Null when there is none. */
export async function setWebhookPaused(db: Db, id: string, paused: boolean): Promise<WebhookRecord | null> {
  const [row] = await db.update(webhooks).set({ paused, updatedAt: new Date() }).where(eq(webhooks.id, id)).returning();
  return row ? webhookOf(row) : null;
}

/** Deletes a webhook with its deliveries and attempts; false when there was none. */
export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
  return rows.length > 0;
}

/** A delivery to create: one signal to one webhook, due at `dueAt`. */
export interface NewWebhookDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly signalId: string;
  readonly signalSeq: number;
  readonly symbol: string;
  readonly dueAt: Date;
}

const INSERT_CHUNK = 1_000;

/** Creates deliveries; one that exists already (same webhook and signal) is left as it is. Returns how many were new. */
export async function insertWebhookDeliveries(db: Db, deliveries: readonly NewWebhookDelivery[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
    const rows = await db
      .insert(webhookDeliveries)
      .values(
        deliveries.slice(i, i + INSERT_CHUNK).map((d) => ({
          id: d.id,
          webhookId: d.webhookId,
          signalId: d.signalId,
          signalSeq: d.signalSeq,
          symbol: d.symbol,
          nextAttemptAt: d.dueAt,
          createdAt: d.dueAt,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    created += rows.length;
  }
  return created;
}

/** A delivery a dispatcher has claimed (leased) for one attempt, with what it needs to send it. */
export interface ClaimedWebhookDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly signalId: string;
  readonly symbol: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly firstAttemptAt: Date | null;
  readonly leaseUntil: Date;
  readonly url: string;
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/**
 * Claims due deliveries for one attempt each, leasing them until `leaseUntil`, for any number of dispatcher
 * processes (`for update skip locked`). Fair by construction: per webhook at most `concurrency` attempts are in
 * flight (leases of every process count), so a slow or dead receiver holds only its own slots; and per
 * (webhook, symbol) one at a time, oldest signal first, so a healthy receiver gets each symbol's signals in
 * order (a failed one waiting for its retry does not hold the next back). Paused webhooks are skipped.
 */
export async function claimWebhookDeliveries(
  db: Db,
  params: { now: Date; leaseUntil: Date; concurrency: number; limit: number },
): Promise<ClaimedWebhookDelivery[]> {
  if (params.limit <= 0) return [];
  const now = params.now.toISOString();
  const result = await db.execute(sql`
    with inflight as (
      select webhook_id, count(*)::int as n from webhook_deliveries
      where lease_until > ${now}::timestamptz and status in ('PENDING', 'FAILED')
      group by webhook_id
    ),
    heads as (
      select distinct on (d.webhook_id, d.symbol) d.id, d.webhook_id, d.signal_seq, d.next_attempt_at
      from webhook_deliveries d
      join webhooks w on w.id = d.webhook_id
      where d.status in ('PENDING', 'FAILED')
        and d.next_attempt_at <= ${now}::timestamptz
        and (d.lease_until is null or d.lease_until <= ${now}::timestamptz)
        and not w.paused
        and not exists (
          select 1 from webhook_deliveries e
          where e.webhook_id = d.webhook_id and e.symbol = d.symbol and e.signal_seq < d.signal_seq
            and e.status in ('PENDING', 'FAILED')
            and (e.lease_until > ${now}::timestamptz or e.status = 'PENDING')
        )
      order by d.webhook_id, d.symbol, d.signal_seq
    ),
    ranked as (
      select h.id, h.next_attempt_at, h.signal_seq, coalesce(i.n, 0) as busy,
        row_number() over (partition by h.webhook_id order by h.next_attempt_at, h.signal_seq) as rn
      from heads h left join inflight i on i.webhook_id = h.webhook_id
    ),
    picked as (
      select d.id from webhook_deliveries d
      where d.id in (
        select r.id from ranked r where r.rn <= ${params.concurrency} - r.busy
        order by r.next_attempt_at, r.signal_seq limit ${params.limit}
      )
      and (d.lease_until is null or d.lease_until <= ${now}::timestamptz)
      for update skip locked
    )
    update webhook_deliveries d set lease_until = ${params.leaseUntil.toISOString()}::timestamptz
    from picked where d.id = picked.id
    returning d.id, d.webhook_id, d.signal_id, d.symbol, d.attempts, d.first_attempt_at
  `);
  const rows = rowsOf<{
    id: string;
    webhook_id: string;
    signal_id: string;
    symbol: string;
    attempts: number;
    first_attempt_at: string | Date | null;
  }>(result);
  if (rows.length === 0) return [];
  const targets = await db
    .select()
    .from(webhooks)
    .where(inArray(webhooks.id, [...new Set(rows.map((r) => r.webhook_id))]));
  const byId = new Map(targets.map((t) => [t.id, t]));
  return rows.flatMap((row) => {
    const hook = byId.get(row.webhook_id);
    if (!hook) return [];
    return [
      {
        id: row.id,
        webhookId: row.webhook_id,
        signalId: row.signal_id,
        symbol: row.symbol,
        attempts: Number(row.attempts),
        firstAttemptAt: row.first_attempt_at === null ? null : new Date(row.first_attempt_at),
        leaseUntil: params.leaseUntil,
        url: hook.url,
        secret: hook.secret,
        previousSecret: hook.previousSecret,
        previousSecretExpiresAt: hook.previousSecretExpiresAt,
      },
    ];
  });
}

/** How an attempt ended for its delivery. */
export type WebhookAttemptOutcome =
  | { readonly status: 'DELIVERED' }
  | { readonly status: 'FAILED'; readonly nextAttemptAt: Date }
  | { readonly status: 'DEAD' };

/**
 * Records one attempt and its outcome, and releases the lease. Applies only while the caller's lease holds (a
 * process whose lease ran out and was taken over records nothing); returns whether it applied.
 */
export async function recordWebhookAttempt(
  db: Db,
  params: {
    deliveryId: string;
    leaseUntil: Date;
    attempt: number;
    at: Date;
    firstAttemptAt: Date;
    httpStatus: number | null;
    latencyMs: number;
    error: string | null;
    outcome: WebhookAttemptOutcome;
  },
): Promise<boolean> {
  const { outcome } = params;
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(webhookDeliveries)
      .set({
        status: outcome.status,
        attempts: params.attempt,
        firstAttemptAt: params.firstAttemptAt,
        lastAttemptAt: params.at,
        lastError: params.error,
        leaseUntil: null,
        ...(outcome.status === 'DELIVERED' ? { deliveredAt: params.at } : {}),
        ...(outcome.status === 'FAILED' ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
      })
      .where(and(eq(webhookDeliveries.id, params.deliveryId), eq(webhookDeliveries.leaseUntil, params.leaseUntil)))
      .returning({ id: webhookDeliveries.id });
    if (updated.length === 0) return false;
    await tx
      .insert(webhookAttempts)
      .values({
        deliveryId: params.deliveryId,
        attempt: params.attempt,
        at: params.at,
        httpStatus: params.httpStatus,
        latencyMs: params.latencyMs,
        error: params.error,
      })
      .onConflictDoNothing();
    return true;
  });
}

/** Why a delivery could not be replayed. */
export type ReplayRefusal = 'NOT_FOUND' | 'NOT_REPLAYABLE';

/**
 * A DEAD or FAILED delivery goes PENDING again, due at `now`, with a new retry window (from its next attempt).
 * Returns the delivery, or why not.
 */
export async function replayWebhookDelivery(
  db: Db,
  id: string,
  now: Date,
): Promise<WebhookDeliveryRecord | ReplayRefusal> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'PENDING', nextAttemptAt: now, firstAttemptAt: null, leaseUntil: null })
    .where(and(eq(webhookDeliveries.id, id), inArray(webhookDeliveries.status, ['DEAD', 'FAILED'])))
    .returning();
  if (row) return (await getWebhookDelivery(db, row.id)) ?? 'NOT_FOUND';
  const existing = await getWebhookDelivery(db, id);
  return existing === null ? 'NOT_FOUND' : 'NOT_REPLAYABLE';
}

async function attemptsOf(db: Db, deliveryIds: readonly string[]): Promise<Map<string, WebhookAttemptRecord[]>> {
  const byDelivery = new Map<string, WebhookAttemptRecord[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, [...deliveryIds]))
    .orderBy(webhookAttempts.deliveryId, webhookAttempts.attempt);
  for (const row of rows) {
    const list = byDelivery.get(row.deliveryId);
    if (list) list.push(attemptOf(row));
    else byDelivery.set(row.deliveryId, [attemptOf(row)]);
  }
  return byDelivery;
}

/** One delivery with its attempts, or null. */
export async function getWebhookDelivery(db: Db, id: string): Promise<WebhookDeliveryRecord | null> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row) return null;
  return deliveryOf(row, (await attemptsOf(db, [row.id])).get(row.id) ?? []);
}

/**
 * A webhook's deliveries, newest signal first (delivery sequence, then id), a page at a time, optionally of one
 * status; each with its attempts.
 */
export async function listWebhookDeliveries(
  db: Db,
  params: {
    webhookId: string;
    first: number;
    after?: string | null | undefined;
    status?: WebhookDeliveryStatus | null;
  },
): Promise<Page<WebhookDeliveryRecord>> {
  const conditions: SQL[] = [eq(webhookDeliveries.webhookId, params.webhookId)];
  if (params.status) conditions.push(eq(webhookDeliveries.status, params.status));
  if (params.after != null) {
    const [seq, id] = decodeCursor(params.after) ?? [];
    if (typeof seq !== 'number' || typeof id !== 'string') throw new InvalidCursorError(params.after);
    conditions.push(
      or(
        lt(webhookDeliveries.signalSeq, seq),
        and(eq(webhookDeliveries.signalSeq, seq), lt(webhookDeliveries.id, id)),
      ) as SQL,
    );
  }
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.signalSeq), desc(webhookDeliveries.id))
    .limit(params.first + 1);
  const page = rows.slice(0, params.first);
  const attempts = await attemptsOf(
    db,
    page.map((row) => row.id),
  );
  return {
    items: page.map((row) => ({
      node: deliveryOf(row, attempts.get(row.id) ?? []),
      cursor: encodeCursor([row.signalSeq, row.id]),
    })),
    hasNextPage: rows.length > params.first,
  };
}

/** Deliveries per status, over every webhook or one (monitoring, tests, the benchmark). */
export async function countWebhookDeliveries(
  db: Db,
  webhookId?: string,
): Promise<Record<WebhookDeliveryStatus, number>> {
  const rows = await db
    .select({ status: webhookDeliveries.status, n: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .where(webhookId === undefined ? undefined : eq(webhookDeliveries.webhookId, webhookId))
    .groupBy(webhookDeliveries.status);
  const counts: Record<WebhookDeliveryStatus, number> = { PENDING: 0, DELIVERED: 0, FAILED: 0, DEAD: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** When the next open delivery of any unpaused webhook is due (null when none): how long a dispatcher may sleep. */
export async function nextWebhookDueAt(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: sql<string | null>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(inArray(webhookDeliveries.status, ['PENDING', 'FAILED']), eq(webhooks.paused, false)));
  return row?.at ? new Date(row.at) : null;
}
