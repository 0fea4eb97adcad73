import { SIGNALS_CHANNEL, type Signal } from '@alphintra/core';
import { badInput } from '@alphintra/subgraph-kit';
import { withFilter } from 'graphql-subscriptions';
import type { SubscriptionResolvers } from '../__generated__/resolvers.ts';
import type { SignalContext } from '../context.ts';
import { matchesFilter, normalizeFilter } from '../filter.ts';

export const Subscription: SubscriptionResolvers = {
  signals: {
    subscribe: (_parent, args, ctx, info) => {
      // Validate before subscribing, so a bad filter is an error, not a silent empty stream.
      const wanted = normalizeFilter(args.filter);
      if (wanted.shadow) {
        throw badInput(
          'filter.shadow',
          'shadow signals are never delivered live: query them with signals(filter: { shadow: true })',
        );
      }
      const subscribe = withFilter<Signal, unknown, SignalContext>(
        () => ctx.deps.pubsub.asyncIterableIterator<Signal>(SIGNALS_CHANNEL),
        // Shadow signals are not published; should one be, it still never reaches a subscriber.
        (signal) => signal !== undefined && !signal.shadow && matchesFilter(signal, wanted),
      );
      return subscribe(undefined, args, ctx, info) as unknown as AsyncIterable<Signal>;
    },
    resolve: (signal: Signal) => signal,
  },
};
