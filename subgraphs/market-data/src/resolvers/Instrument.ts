import type { InstrumentResolvers } from '../__generated__/resolvers.ts';

export const Instrument: InstrumentResolvers = {
  __resolveReference: (ref, ctx) => ctx.deps.instruments().find((i) => i.symbol === ref.symbol) ?? null,
};
