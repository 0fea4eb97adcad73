import { isUuid } from '@alphintra/core';
import { getWebhook, listWebhooks } from '@alphintra/db';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

/** `Query.webhooks` and `Query.webhook` (merged into `Query`). */
export const WebhookQuery: Pick<QueryResolvers, 'webhooks' | 'webhook'> = {
  webhooks: (_parent, _args, ctx) => listWebhooks(ctx.deps.db),
  webhook: async (_parent, { id }, ctx) => (isUuid(id) ? getWebhook(ctx.deps.db, id) : null),
};
