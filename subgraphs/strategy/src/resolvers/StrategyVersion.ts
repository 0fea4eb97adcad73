import type { StrategyVersionResolvers } from '../__generated__/resolvers.ts';

export const StrategyVersion: StrategyVersionResolvers = {
  symbols: (version) => [...version.symbols],
};
