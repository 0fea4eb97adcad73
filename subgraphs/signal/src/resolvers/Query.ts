import { InvalidCursorError, listSignals } from '@alphintra/db';
import { badInput } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { normalizeFilter } from '../filter.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const Query: QueryResolvers = {
  signals: async (_parent, { filter, first, after }, ctx) => {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badInput('first', 'must be between 1 and 100');
    try {
      const page = await listSignals(ctx.deps.db, { first: size, after, filter: normalizeFilter(filter) });
      return {
        edges: page.items.map(({ node, cursor }) => ({ node, cursor })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
      };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  signal: async (_parent, { id }, ctx) => (UUID.test(id) ? ((await ctx.signalLoader.load(id)) ?? null) : null),
};
