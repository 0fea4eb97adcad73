import { isUuid } from '@alphintra/core';
import { InvalidCursorError, listSignals } from '@alphintra/db';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { normalizeFilter } from '../filter.ts';

export const Query: QueryResolvers = {
  signals: async (_parent, { filter, first, after }, ctx) => {
    const size = pageSize(first);
    try {
      return connectionOf(await listSignals(ctx.deps.db, { first: size, after, filter: normalizeFilter(filter) }));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  signal: async (_parent, { id }, ctx) => (isUuid(id) ? ((await ctx.signalLoader.load(id)) ?? null) : null),
};
