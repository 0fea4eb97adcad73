import { isUuid } from '@alphintra/core';
import {
  createWebhook,
  deleteWebhook,
  getWebhookWithSecrets,
  replayWebhookDelivery,
  rotateWebhookSecret,
  setWebhookPaused,
  type WebhookRecord,
} from '@alphintra/db';
import { badInput, userError } from '@alphintra/subgraph-kit';
import { generateWebhookSecret, sendTestEvent } from '@alphintra/webhooks';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { checkedFilter, checkedUrl, MAX_WEBHOOK_DESCRIPTION, webhookSettings } from '../webhook-input.ts';

function found<T>(value: T | null, id: string): T {
  if (value === null) throw userError('NOT_FOUND', `no webhook ${id}`, 'input.id');
  return value;
}

function webhookId(id: string): string {
  if (!isUuid(id)) throw userError('NOT_FOUND', `no webhook ${id}`, 'input.id');
  return id;
}

export const Mutation: MutationResolvers = {
  registerWebhook: async (_parent, { input }, ctx) => {
    const description = (input.description ?? '').trim();
    if (description.length > MAX_WEBHOOK_DESCRIPTION) {
      throw badInput('input.description', `must be at most ${MAX_WEBHOOK_DESCRIPTION} characters`);
    }
    const filter = checkedFilter(input.filter);
    const url = await checkedUrl(ctx.deps, input.url);
    const secret = generateWebhookSecret();
    const webhook = await createWebhook(ctx.deps.db, { url, description, filter, secret });
    return { webhook, secret };
  },
  rotateWebhookSecret: async (_parent, { input }, ctx) => {
    const secret = generateWebhookSecret();
    const previousExpiresAt = new Date(Date.now() + webhookSettings(ctx.deps).rotationGraceMs);
    const webhook = await rotateWebhookSecret(ctx.deps.db, { id: webhookId(input.id), secret, previousExpiresAt });
    return { webhook: found(webhook, input.id), secret };
  },
  pauseWebhook: async (_parent, { input }, ctx) => ({
    webhook: found(await setWebhookPaused(ctx.deps.db, webhookId(input.id), true), input.id),
  }),
  resumeWebhook: async (_parent, { input }, ctx) => {
    const webhook: WebhookRecord = found(await setWebhookPaused(ctx.deps.db, webhookId(input.id), false), input.id);
    ctx.deps.onWebhookDue?.();
    return { webhook };
  },
  deleteWebhook: async (_parent, { input }, ctx) => {
    if (!(await deleteWebhook(ctx.deps.db, webhookId(input.id)))) found(null, input.id);
    return { id: input.id };
  },
  replayWebhookDelivery: async (_parent, { input }, ctx) => {
    const result = await replayWebhookDelivery(ctx.deps.db, input.deliveryId, new Date());
    if (result === 'NOT_FOUND') throw userError('NOT_FOUND', `no delivery ${input.deliveryId}`, 'input.deliveryId');
    if (result === 'NOT_REPLAYABLE') {
      throw userError('CONFLICT', 'only a DEAD or FAILED delivery can be replayed', 'input.deliveryId');
    }
    ctx.deps.onWebhookDue?.();
    return { delivery: result };
  },
  testWebhook: async (_parent, { input }, ctx) => {
    const webhook = found(await getWebhookWithSecrets(ctx.deps.db, webhookId(input.id)), input.id);
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
