import { InvalidCursorError, listStrategies } from '@alphintra/db';
import { STRATEGY_TEMPLATES } from '@alphintra/engine';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { documentProblems } from '../validate.ts';

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
        },
      });
      for (const { node } of page.items) ctx.strategyLoader.prime(node.id, node);
      return connectionOf(page);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  strategy: async (_parent, { id }, ctx) => (await ctx.strategyLoader.load(id)) ?? null,
  strategyTemplates: () =>
    STRATEGY_TEMPLATES.map(({ id, name, description, document }) => ({ id, name, description, document })),
  validateStrategy: (_parent, { document }, ctx) => {
    const problems = documentProblems(ctx.deps, document);
    return { valid: problems.length === 0, problems };
  },
};
