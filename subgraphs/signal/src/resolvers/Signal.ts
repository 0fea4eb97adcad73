import { isUuid } from '@alphintra/core';
import { openOutcomeOf } from '@alphintra/db';
import type { SignalResolvers } from '../__generated__/resolvers.ts';
import { readableSignal } from '../context.ts';
import type { PublishedSignal } from '../stream.ts';

export const Signal: SignalResolvers = {
  __resolveReference: async (ref, ctx) =>
    isUuid(ref.id) ? readableSignal(ctx, await ctx.signalLoader.load(ref.id)) : null,
  // id, name and version travel with the signal (@provides), so the gateway needs no entity fetch for them.
  strategy: (signal) => ({ id: signal.strategyId, name: signal.strategyName, version: signal.strategyVersion }),
  // Published signals carry their sequence; history rows look it up (one query per request, batched).
  sequence: async (signal: PublishedSignal, _args, ctx) => {
    const seq = signal.seq ?? (await ctx.seqLoader.load(signal.id));
    if (seq === undefined) throw new Error(`signal ${signal.id} is not stored, so it has no sequence`);
    return String(seq);
  },
  // A live signal the outcome service has not stored an outcome for yet is OPEN; shadow signals are not followed.
  outcome: async (signal, _args, ctx) => {
    if (signal.shadow) return null;
    return (await ctx.outcomeLoader.load(signal.id)) ?? { ...openOutcomeOf(signal), exitPriceDecimal: null };
  },
};
