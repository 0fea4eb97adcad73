import { isUuid } from '@alphintra/core';
import {
  createWebhook,
  type Db,
  deleteWebhook,
  getWebhook,
  getWebhookDelivery,
  getWebhookWithSecrets,
  replayWebhookDelivery,
  rotateWebhookSecret,
  setWebhookPaused,
  strategyAccess,
  type WebhookFilter,
  type WebhookRecord,
} from '@alphintra/db';
import { auditScope, badInput, mayRead, userError } from '@alphintra/subgraph-kit';
import { generateWebhookSecret, sendTestEvent } from '@alphintra/webhooks';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { SignalContext } from '../context.ts';
import { checkedFilter, checkedUrl, MAX_WEBHOOK_DESCRIPTION, ownWebhook, webhookSettings } from '../webhook-input.ts';

function found<T>(value: T | null, id: string): T {
  if (value === null) throw userError('NOT_FOUND', `no webhook ${id}`, 'input.id');
  return value;
}

function webhookId(id: string): string {
  if (!isUuid(id)) throw userError('NOT_FOUND', `no webhook ${id}`, 'input.id');
  return id;
}

/**
 * Changes the caller's webhook `id` in one transaction with the mutation's audit record: NOT_FOUND for an unknown
 * webhook, FORBIDDEN for another user's (unless the caller is an admin).
 */
function changeOwnWebhook<T>(ctx: SignalContext, id: string, change: (tx: Db) => Promise<T | null>): Promise<T> {
  return auditScope(ctx).change(
    async (tx) => {
      found(ownWebhook(ctx, await getWebhook(tx, webhookId(id))), id);
      return found(await change(tx), id);
    },
    () => ({ id }),
  );
}

/** FORBIDDEN when the filter names a strategy the caller may not read: its signals would never come. */
async function requireReadable(ctx: SignalContext, filter: WebhookFilter): Promise<void> {
  const ids = filter.strategyIds ?? [];
  const access = await strategyAccess(ctx.deps.db, ids);
  const hidden = ids.filter((_id, i) => {
    const strategy = access[i];
    return strategy !== undefined && !mayRead(ctx.identity, strategy);
  });
  if (hidden.length > 0) {
    const field = 'input.filter.strategyIds';
    throw userError('FORBIDDEN', `${field}: strategy ${hidden.join(', ')} is private to another user`, field);
  }
}

export const Mutation: MutationResolvers = {
  registerWebhook: async (_parent, { input }, ctx) => {
    const description = (input.description ?? '').trim();
    if (description.length > MAX_WEBHOOK_DESCRIPTION) {
      throw badInput('input.description', `must be at most ${MAX_WEBHOOK_DESCRIPTION} characters`);
    }
    const filter = checkedFilter(input.filter);
    await requireReadable(ctx, filter);
    const url = await checkedUrl(ctx.deps, input.url);
    const secret = generateWebhookSecret();
    const { sub: owner, role: ownerRole } = ctx.identity;
    const webhook = await auditScope(ctx).change(
      (tx) => createWebhook(tx, { url, description, filter, secret, owner, ownerRole }),
      (created) => ({ id: created.id }),
    );
    return { webhook, secret };
  },
  rotateWebhookSecret: async (_parent, { input }, ctx) => {
    const secret = generateWebhookSecret();
    const previousExpiresAt = new Date(Date.now() + webhookSettings(ctx.deps).rotationGraceMs);
    const webhook = await changeOwnWebhook(ctx, input.id, (tx) =>
      rotateWebhookSecret(tx, { id: input.id, secret, previousExpiresAt }),
    );
    return { webhook, secret };
  },
  pauseWebhook: async (_parent, { input }, ctx) => ({
    webhook: await changeOwnWebhook(ctx, input.id, (tx) => setWebhookPaused(tx, input.id, true)),
  }),
  resumeWebhook: async (_parent, { input }, ctx) => {
    const webhook: WebhookRecord = await changeOwnWebhook(ctx, input.id, (tx) => setWebhookPaused(tx, input.id, false));
    ctx.deps.onWebhookDue?.();
    return { webhook };
  },
  deleteWebhook: async (_parent, { input }, ctx) => {
    await changeOwnWebhook(ctx, input.id, async (tx) => ((await deleteWebhook(tx, input.id)) ? true : null));
    return { id: input.id };
  },
  replayWebhookDelivery: async (_parent, { input }, ctx) => {
    const notFound = () => userError('NOT_FOUND', `no delivery ${input.deliveryId}`, 'input.deliveryId');
    const delivery = await auditScope(ctx).change(
      async (tx) => {
        const existing = await getWebhookDelivery(tx, input.deliveryId);
        if (existing === null || ownWebhook(ctx, await getWebhook(tx, existing.webhookId)) === null) throw notFound();
        const result = await replayWebhookDelivery(tx, input.deliveryId, new Date());
        if (result === 'NOT_FOUND') throw notFound();
        if (result === 'NOT_REPLAYABLE') {
          throw userError('CONFLICT', 'only a DEAD or FAILED delivery can be replayed', 'input.deliveryId');
        }
        return result;
      },
      () => ({ id: input.deliveryId }),
    );
    ctx.deps.onWebhookDue?.();
    return { delivery };
  },
  testWebhook: async (_parent, { input }, ctx) => {
    const webhook = found(ownWebhook(ctx, await getWebhookWithSecrets(ctx.deps.db, webhookId(input.id))), input.id);
    const attempt = await sendTestEvent(webhook, webhookSettings(ctx.deps));
    return {
      id: attempt.id,
      at: attempt.at,
      ok: attempt.ok,
      httpStatus: attempt.httpStatus,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
    };
  },
};
