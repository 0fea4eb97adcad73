import { badInput } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { checkSeries } from '../args.ts';

const MAX_CANDLES = 5_000;

function time(value: unknown): number | undefined {
  return value instanceof Date ? value.getTime() : undefined;
}

export const Query: QueryResolvers = {
  instruments: (_parent, _args, ctx) => [...ctx.deps.instruments()],
  candles: (_parent, args, ctx) => {
    const { symbol, interval } = checkSeries(ctx.deps, args.symbol, args.interval);
    const last = args.last ?? undefined;
    if (last !== undefined && (!Number.isInteger(last) || last < 1 || last > MAX_CANDLES)) {
      throw badInput('last', `must be between 1 and ${MAX_CANDLES}`);
    }
    const from = time(args.from);
    const to = time(args.to);
    if (from !== undefined && to !== undefined && from >= to) throw badInput('to', 'must be after `from`');
    const candles = ctx.deps.candles.query({
      symbol,
      interval,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      last: last ?? MAX_CANDLES,
    });
    return candles;
  },
};
