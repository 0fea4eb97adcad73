import { type Interval, isInterval } from '@alphintra/core';
import { badInput } from '@alphintra/subgraph-kit';
import type { MarketDataContext } from './context.ts';

/** Default and largest `last` of `Query.candles`. */
export const MAX_CANDLES = 5_000;

/**
 * Checks a series' symbol and interval; throws BAD_USER_INPUT naming the argument. The interval is checked
 * first: it needs no database read.
 */
export async function checkSeries(
  ctx: MarketDataContext,
  symbol: string,
  interval: string,
): Promise<{ symbol: string; interval: Interval }> {
  const { intervals } = ctx.deps;
  if (!isInterval(interval) || !intervals.includes(interval)) {
    throw badInput('interval', `unsupported interval "${interval}"; supported: ${intervals.join(', ')}`);
  }
  const upper = symbol.trim().toUpperCase();
  if ((await ctx.instruments.load(upper)) === undefined) {
    throw badInput('symbol', `unknown symbol "${symbol}": see Query.instruments for the symbols with market data`);
  }
  return { symbol: upper, interval };
}

function time(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
}

/** Checks `Query.candles`' range arguments: `last` within 1..max, `from` before `to`. */
export function checkRange(
  args: { from?: unknown; to?: unknown; last?: number | null | undefined },
  maxCandles: number,
): { from?: number; to?: number; last: number } {
  const last = args.last ?? maxCandles;
  if (!Number.isInteger(last) || last < 1 || last > maxCandles) {
    throw badInput('last', `must be between 1 and ${maxCandles}`);
  }
  const from = time(args.from);
  const to = time(args.to);
  if (from !== undefined && to !== undefined && from >= to) throw badInput('to', 'must be after `from`');
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), last };
}
