import { InvalidCursorError, listStrategies } from '@alphintra/db';
import { badInput } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { isStrategyId } from '../validate.ts';

export const Query: QueryResolvers = {
  strategies: async (_parent, { first, after, filter }, ctx) => {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badInput('first', 'must be between 1 and 100');
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
      return {
        edges: page.items.map(({ node, cursor }) => ({ node, cursor })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
      };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  strategy: async (_parent, { id }, ctx) => (isStrategyId(id) ? ((await ctx.strategyLoader.load(id)) ?? null) : null),
};
