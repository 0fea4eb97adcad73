import { isUuid } from '@alphintra/core';
import { InvalidCursorError } from '@alphintra/db';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { StrategyResolvers } from '../__generated__/resolvers.ts';

const NO_SIGNALS = { items: [], hasNextPage: false };

export const Strategy: StrategyResolvers = {
  // The strategy subgraph owns strategies; this one only adds their signals, so a reference is all it needs.
  __resolveReference: (ref) => ({ id: ref.id }),
  signals: async (strategy, { first, after, shadow }, ctx) => {
    const size = pageSize(first);
    if (!isUuid(strategy.id)) return connectionOf(NO_SIGNALS);
    const loader = ctx.strategySignalsLoader({ first: size, after: after ?? null, shadow: shadow ?? false });
    try {
      return connectionOf(await loader.load(strategy.id));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
};
