import { type BacktestProgressMessage, backtestChannel, isUuid } from '@alphintra/core';
import { BacktestLimitError, cancelBacktest, createBacktest, getBacktests, listBacktests } from '@alphintra/db';
import { auditScope, forbidden, mayChange, pageSize, readerOf, userError } from '@alphintra/subgraph-kit';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers.ts';
import { validateBacktestInput } from '../backtest-input.ts';
import { backtestLimits, ownBacktest } from '../context.ts';

export const BacktestQuery: QueryResolvers = {
  backtest: async (_parent, { id }, ctx) => {
    if (!isUuid(id) || (await ctx.backtestLoader.load(id)) === undefined) return null;
    return ownBacktest(ctx, id, 'id');
  },
  backtests: (_parent, { first }, ctx) =>
    listBacktests(ctx.deps.db, { owner: readerOf(ctx.identity), first: pageSize(first) }),
};

export const BacktestMutation: MutationResolvers = {
  runBacktest: async (_parent, { input }, ctx) => {
    const job = await validateBacktestInput(ctx, input);
    const { maxActivePerUser } = backtestLimits(ctx.deps);
    try {
      const backtest = await auditScope(ctx).change(
        (tx) => createBacktest(tx, job, maxActivePerUser),
        (created) => ({ id: created.id, version: created.strategyVersion }),
      );
      ctx.deps.onBacktestQueued?.();
      return { backtest };
    } catch (error) {
      if (error instanceof BacktestLimitError) throw userError('BACKTEST_LIMIT_EXCEEDED', error.message);
      throw error;
    }
  },
  cancelBacktest: async (_parent, { input }, ctx) => {
    const notFound = () => userError('NOT_FOUND', `no backtest ${input.id}`, 'input.id');
    if (!isUuid(input.id)) throw notFound();
    const backtest = await auditScope(ctx).change(
      async (tx) => {
        // Read through the transaction: on PGlite a read outside it would wait for it to end.
        const [job] = await getBacktests(tx, [input.id]);
        if (job === undefined) throw notFound();
        if (!mayChange(ctx.identity, job.owner)) throw forbidden(`backtest ${input.id} belongs to another user`);
        const cancelled = await cancelBacktest(tx, input.id, new Date());
        if (cancelled === undefined) throw notFound();
        return cancelled;
      },
      (job) => ({ id: job.id, version: job.strategyVersion }),
    );
    const { id, status, candlesDone, candlesTotal } = backtest;
    const message: BacktestProgressMessage = { id, status, candlesDone, candlesTotal };
    await ctx.deps.pubsub.publish(backtestChannel(id), message);
    return { backtest };
  },
};
