import type { Identity } from '@alphintra/auth';
import { type Db, strategyAccess } from '@alphintra/db';
import { badInput, mayRead, readerOf } from '@alphintra/subgraph-kit';
import type { SubscriptionResolvers } from '../__generated__/resolvers.ts';
import { normalizeFilter } from '../filter.ts';
import { type PublishedSignal, resumePoint, signalStream } from '../stream.ts';

/** How long a subscription relies on what it read of a strategy's owner and visibility. */
const ACCESS_TTL_MS = 1_000;

/**
 * Whether `identity` may read a live signal: its strategy is theirs or public. Each strategy's answer is kept for
 * a second, so a subscription costs one read per strategy per second at most, and a strategy made private stops
 * reaching other users' subscriptions within that second.
 */
function readableBy(db: Db, identity: Identity): (signal: PublishedSignal) => Promise<boolean> {
  const known = new Map<string, { readable: boolean; until: number }>();
  return async (signal) => {
    const now = Date.now();
    const hit = known.get(signal.strategyId);
    if (hit && hit.until > now) return hit.readable;
    const [access] = await strategyAccess(db, [signal.strategyId]);
    const readable = access !== undefined && mayRead(identity, access);
    known.set(signal.strategyId, { readable, until: now + ACCESS_TTL_MS });
    return readable;
  };
}

export const Subscription: SubscriptionResolvers = {
  signals: {
    subscribe: async (_parent, args, ctx) => {
      // Validate before subscribing, so a bad filter or `since` is an error, not a silent empty stream.
      const filter = { ...normalizeFilter(args.filter), readableBy: readerOf(ctx.identity) ?? null };
      if (filter.shadow) {
        throw badInput(
          'filter.shadow',
          'shadow signals are never delivered live: query them with signals(filter: { shadow: true })',
        );
      }
      const { db, pubsub } = ctx.deps;
      const afterSeq = args.since == null ? null : await resumePoint(db, args.since);
      const readable = filter.readableBy === null ? {} : { readable: readableBy(db, ctx.identity) };
      return signalStream({ db, pubsub, filter, afterSeq, ...readable });
    },
    resolve: (signal: PublishedSignal) => signal,
  },
};
