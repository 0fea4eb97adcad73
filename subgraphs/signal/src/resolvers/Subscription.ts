import { badInput } from '@alphintra/subgraph-kit';
import type { SubscriptionResolvers } from '../__generated__/resolvers.ts';
import { normalizeFilter } from '../filter.ts';
import { type PublishedSignal, resumePoint, signalStream } from '../stream.ts';

export const Subscription: SubscriptionResolvers = {
  signals: {
    subscribe: async (_parent, args, ctx) => {
      // Validate before subscribing, so a bad filter or `since` is an error, not a silent empty stream.
      const filter = normalizeFilter(args.filter);
      if (filter.shadow) {
        throw badInput(
          'filter.shadow',
          'shadow signals are never delivered live: query them with signals(filter: { shadow: true })',
        );
      }
      const { db, pubsub } = ctx.deps;
      const afterSeq = args.since == null ? null : await resumePoint(db, args.since);
      return signalStream({ db, pubsub, filter, afterSeq });
    },
    resolve: (signal: PublishedSignal) => signal,
  },
};
