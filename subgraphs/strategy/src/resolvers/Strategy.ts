import { isUuid } from '@alphintra/core';
import type { StrategyResolvers } from '../__generated__/resolvers.ts';

export const Strategy: StrategyResolvers = {
  __resolveReference: async (ref, ctx) => (isUuid(ref.id) ? ((await ctx.strategyLoader.load(ref.id)) ?? null) : null),
  parameters: (strategy) =>
    Object.entries(strategy.parameters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
  symbols: (strategy) => [...strategy.symbols],
};
