import type { Identity } from '@alphintra/auth';
import { type BacktestProgressMessage, backtestChannel, isUuid } from '@alphintra/core';
import { type BacktestRecord, type Db, getBacktests, strategyAccess } from '@alphintra/db';
import { badInput, mayRead, readerOf, userError } from '@alphintra/subgraph-kit';
import type { SubscriptionResolvers } from '../__generated__/resolvers.ts';
import { ownBacktest, type SignalContext } from '../context.ts';
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

/** Statuses after which a job does not change. */
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * A job as it is now, then again after each message on its channel, until it has ended. Subscribed before the
 * first read, so a message published in between is not missed (at worst the same state comes twice).
 */
async function* backtestUpdates(
  ctx: SignalContext,
  id: string,
  messages: AsyncIterableIterator<BacktestProgressMessage>,
): AsyncGenerator<BacktestRecord> {
  try {
    let job = await ownBacktest(ctx, id, 'id');
    yield job;
    while (!FINAL.has(job.status)) {
      const next = await messages.next();
      if (next.done) return;
      const [current] = await getBacktests(ctx.deps.db, [id]);
      if (current === undefined) return;
      job = current;
      yield job;
    }
  } finally {
    await messages.return?.();
  }
}

export const Subscription: SubscriptionResolvers = {
  backtestProgress: {
    subscribe: async (_parent, { id }, ctx) => {
      if (!isUuid(id)) throw userError('NOT_FOUND', `no backtest ${id}`, 'id');
      await ownBacktest(ctx, id, 'id');
      const messages = ctx.deps.pubsub.asyncIterableIterator<BacktestProgressMessage>(backtestChannel(id));
      return backtestUpdates(ctx, id, messages);
    },
    resolve: (job: BacktestRecord) => job,
  },
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
