import { isUuid } from '@alphintra/core';
import { InvalidCursorError, listSignals, signalStats } from '@alphintra/db';
import { badInput, connectionOf, pageSize, readerOf } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { readableSignal } from '../context.ts';
import { normalizeFilter } from '../filter.ts';

/** A `DateTime` argument as epoch ms (the scalar has checked it). */
function epochMs(value: Date | string | number | null | undefined): number | null {
  if (value == null) return null;
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

export const Query: QueryResolvers = {
  signals: async (_parent, { filter, first, after }, ctx) => {
    const size = pageSize(first);
    try {
      const readable = { ...normalizeFilter(filter), readableBy: readerOf(ctx.identity) ?? null };
      return connectionOf(await listSignals(ctx.deps.db, { first: size, after, filter: readable }));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  signal: async (_parent, { id }, ctx) => (isUuid(id) ? readableSignal(ctx, await ctx.signalLoader.load(id)) : null),
  signalStats: async (_parent, { groupBy, from, to, filter }, ctx) => {
    const start = epochMs(from);
    const end = epochMs(to);
    if (start !== null && end !== null && start >= end) throw badInput('to', 'must be after `from`');
    const readable = { ...normalizeFilter(filter), readableBy: readerOf(ctx.identity) ?? null };
    const groups = await signalStats(ctx.deps.db, { groupBy, from: start, to: end, filter: readable });
    return groups.map(({ strategyId, ...group }) => ({
      ...group,
      strategy: strategyId === null ? null : { id: strategyId },
    }));
  },
};
