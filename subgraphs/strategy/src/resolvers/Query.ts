import { InvalidCursorError, listStrategies, type StrategyRecord } from '@alphintra/db';
import { STRATEGY_TEMPLATES } from '@alphintra/engine';
import { badInput, connectionOf, forbidden, mayRead, pageSize, readerOf } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import type { StrategyContext } from '../context.ts';
import { documentProblems } from '../validate.ts';

/** The strategy when the caller may read it; FORBIDDEN when it is another user's private strategy. */
export function readable<T extends StrategyRecord>(ctx: StrategyContext, strategy: T | null): T | null {
  if (strategy && !mayRead(ctx.identity, strategy)) {
    throw forbidden(`strategy ${strategy.id} is private to its owner`);
  }
  return strategy;
}

export const Query: QueryResolvers = {
  strategies: async (_parent, { first, after, filter }, ctx) => {
    const size = pageSize(first);
    try {
      const page = await listStrategies(ctx.deps.db, {
        first: size,
        after: after ?? undefined,
        filter: {
          status: filter?.status ?? undefined,
          symbol: filter?.symbol?.trim().toUpperCase() || undefined,
          source: filter?.source ?? undefined,
          mode: filter?.mode ?? undefined,
          readableBy: readerOf(ctx.identity),
        },
      });
      for (const { node } of page.items) ctx.strategyLoader.prime(node.id, node);
      return connectionOf(page);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  strategy: async (_parent, { id }, ctx) => readable(ctx, (await ctx.strategyLoader.load(id)) ?? null),
  strategyTemplates: () =>
    STRATEGY_TEMPLATES.map(({ id, name, description, document }) => ({ id, name, description, document })),
  validateStrategy: async (_parent, { document }, ctx) => {
    const problems = await documentProblems(ctx.deps, ctx.identity, document);
    return { valid: problems.length === 0, problems };
  },
};
