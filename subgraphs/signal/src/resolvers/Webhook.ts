import { InvalidCursorError, listWebhookDeliveries } from '@alphintra/db';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { WebhookResolvers } from '../__generated__/resolvers.ts';

export const Webhook: WebhookResolvers = {
  filter: ({ filter }) => ({
    symbols: filter.symbols ? [...filter.symbols] : null,
    strategyIds: filter.strategyIds ? [...filter.strategyIds] : null,
    actions: filter.actions ? [...filter.actions] : null,
    minConfidence: filter.minConfidence ?? null,
  }),
  deliveries: async (webhook, { first, after, status }, ctx) => {
    const size = pageSize(first);
    try {
      return connectionOf(
        await listWebhookDeliveries(ctx.deps.db, { webhookId: webhook.id, first: size, after, status: status ?? null }),
      );
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
};
