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

/** How often a progress subscription reads its job when no message came: the backstop for a missed message. */
const RECHECK_MS = 1_000;

/**
 * A job as it is now, then again after each message on its channel, until it has ended. The channel is asked for
 * its first message before the first read, so the pub/sub subscribes as early as it can; but with Redis the
 * subscription becomes active only once the server has answered, and a message published before that is gone. So
 * the job is also read again whenever a second passes without a message, and a state that changed is sent: a
 * job that ends in that window still ends on the subscription, a second later at most.
 */
async function* backtestUpdates(
  ctx: SignalContext,
  id: string,
  messages: AsyncIterableIterator<BacktestProgressMessage>,
): AsyncGenerator<BacktestRecord> {
  let message = messages.next();
  try {
    let job = await ownBacktest(ctx, id, 'id');
    yield job;
    while (!FINAL.has(job.status)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const recheck = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), RECHECK_MS);
      });
      const woke = await Promise.race([message, recheck]);
      clearTimeout(timer);
      if (woke !== null) {
        if (woke.done) return;
        message = messages.next();
      }
      const [current] = await getBacktests(ctx.deps.db, [id]);
      if (current === undefined) return;
      if (woke === null && current.status === job.status && current.candlesDone === job.candlesDone) continue;
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
