import { isUuid } from '@alphintra/core';
import { InvalidCursorError, listStrategies } from '@alphintra/db';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

export const Query: QueryResolvers = {
  strategies: async (_parent, { first, after, filter }, ctx) => {
    const size = pageSize(first);
    try {
      const page = await listStrategies(ctx.deps.db, {
        first: size,
        after: after ?? undefined,
        filter: {
          status: filter?.status ?? undefined,
          type: filter?.type ?? undefined,
          symbol: filter?.symbol?.toUpperCase() ?? undefined,
        },
      });
      for (const { node } of page.items) ctx.strategyLoader.prime(node.id, node);
      return connectionOf(page);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  strategy: async (_parent, { id }, ctx) => (isUuid(id) ? ((await ctx.strategyLoader.load(id)) ?? null) : null),
};
