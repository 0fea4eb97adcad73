import type { SignalResolvers } from '../__generated__/resolvers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const Signal: SignalResolvers = {
  __resolveReference: async (ref, ctx) => (UUID.test(ref.id) ? ((await ctx.signalLoader.load(ref.id)) ?? null) : null),
  // id, name and version travel with the signal (@provides), so the gateway needs no entity fetch for them.
  strategy: (signal) => ({ id: signal.strategyId, name: signal.strategyName, version: signal.strategyVersion }),
};
