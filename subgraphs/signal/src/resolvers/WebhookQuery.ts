import { isUuid } from '@alphintra/core';
import { getWebhook, listWebhooks } from '@alphintra/db';
import { readerOf } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { ownWebhook } from '../webhook-input.ts';

/** `Query.webhooks` and `Query.webhook` (merged into `Query`). */
export const WebhookQuery: Pick<QueryResolvers, 'webhooks' | 'webhook'> = {
  webhooks: (_parent, _args, ctx) => listWebhooks(ctx.deps.db, { owner: readerOf(ctx.identity) }),
  webhook: async (_parent, { id }, ctx) => (isUuid(id) ? ownWebhook(ctx, await getWebhook(ctx.deps.db, id)) : null),
};
