import type { InstrumentResolvers } from '../__generated__/resolvers.ts';

export const Instrument: InstrumentResolvers = {
  __resolveReference: async (ref, ctx) => (await ctx.instruments.load(ref.symbol)) ?? null,
  lastPrice: async (instrument, _args, ctx) => (await ctx.lastTrade.load(instrument.symbol))?.price ?? null,
  lastTradeAt: async (instrument, _args, ctx) => (await ctx.lastTrade.load(instrument.symbol))?.time ?? null,
};
