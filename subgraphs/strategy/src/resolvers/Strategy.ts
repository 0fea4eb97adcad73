import type { StrategyResolvers } from '../__generated__/resolvers.ts';
import { isStrategyId } from '../validate.ts';

export const Strategy: StrategyResolvers = {
  __resolveReference: async (ref, ctx) =>
    isStrategyId(ref.id) ? ((await ctx.strategyLoader.load(ref.id)) ?? null) : null,
  parameters: (strategy) =>
    Object.entries(strategy.parameters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
  symbols: (strategy) => [...strategy.symbols],
};
