import { listQuarantinedTrades, QUARANTINE_KEPT } from '@alphintra/db';
import { badInput } from '@alphintra/subgraph-kit';
import type { FeedResolvers } from '../__generated__/resolvers.ts';

export const Feed: FeedResolvers = {
  recentQuarantined: (parent, args, ctx) => {
    if (!Number.isInteger(args.last) || args.last < 1 || args.last > QUARANTINE_KEPT) {
      throw badInput('last', `must be between 1 and ${QUARANTINE_KEPT}`);
    }
    return listQuarantinedTrades(ctx.deps.db, { provider: parent.provider, last: args.last });
  },
};
