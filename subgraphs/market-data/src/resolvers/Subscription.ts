import { type Candle, candleChannel } from '@alphintra/core';
import type { SubscriptionResolvers } from '../__generated__/resolvers.ts';
import { checkSeries } from '../args.ts';

export const Subscription: SubscriptionResolvers = {
  candles: {
    subscribe: async (_parent, args, ctx) => {
      const { symbol, interval } = await checkSeries(ctx, args.symbol, args.interval);
      return ctx.deps.pubsub.asyncIterableIterator<Candle>(
        candleChannel(symbol, interval),
      ) as unknown as AsyncIterable<Candle>;
    },
    resolve: (candle: Candle) => candle,
  },
};
