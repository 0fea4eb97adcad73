import { listFeedStatus, listInstruments } from '@alphintra/db';
import type { Feed, FeedRole, FeedState, QueryResolvers } from '../__generated__/resolvers.ts';
import { checkRange, checkSeries, MAX_CANDLES } from '../args.ts';

export const Query: QueryResolvers = {
  instruments: (_parent, _args, ctx) => listInstruments(ctx.deps.db),
  candles: async (_parent, args, ctx) => {
    const range = checkRange(args, ctx.deps.maxCandles ?? MAX_CANDLES);
    const series = await checkSeries(ctx, args.symbol, args.interval);
    return ctx.deps.candles.query({ ...series, ...range });
  },
  feeds: async (_parent, _args, ctx) => {
    const rows = await listFeedStatus(ctx.deps.db);
    return rows.map(
      (row) =>
        // `recentQuarantined` takes arguments: `Feed.recentQuarantined` reads it from the provider.
        ({
          provider: row.provider,
          role: row.role as FeedRole,
          active: row.active,
          state: row.state as FeedState,
          detail: row.detail,
          lastMessageAt: row.lastMessageAt,
          lagMs: row.lagMs,
          reconnects: row.reconnects,
          gapsFilled: row.gapsFilled,
          tradesBackfilled: row.tradesBackfilled,
          tradesQuarantined: row.tradesQuarantined,
          quarantine: Object.entries(row.quarantine)
            .map(([reason, count]) => ({ reason, count }))
            .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
        }) as Feed,
    );
  },
};
