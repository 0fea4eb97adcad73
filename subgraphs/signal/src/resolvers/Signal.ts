import { isUuid } from '@alphintra/core';
import type { SignalResolvers } from '../__generated__/resolvers.ts';

export const Signal: SignalResolvers = {
  __resolveReference: async (ref, ctx) => (isUuid(ref.id) ? ((await ctx.signalLoader.load(ref.id)) ?? null) : null),
  // id, name and version travel with the signal (@provides), so the gateway needs no entity fetch for them.
  strategy: (signal) => ({ id: signal.strategyId, name: signal.strategyName, version: signal.strategyVersion }),
};
