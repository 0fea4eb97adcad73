import { type Interval, isInterval } from '@alphintra/core';
import { badInput } from '@alphintra/subgraph-kit';
import type { MarketDataServiceDeps } from './context.ts';

/** Checks a symbol and interval against what the platform has; throws BAD_USER_INPUT naming the argument. */
export function checkSeries(
  deps: MarketDataServiceDeps,
  symbol: string,
  interval: string,
): { symbol: string; interval: Interval } {
  const upper = symbol.trim().toUpperCase();
  if (!deps.instruments().some((i) => i.symbol === upper)) {
    throw badInput('symbol', `unknown symbol "${symbol}": see Query.instruments for the symbols with market data`);
  }
  if (!isInterval(interval) || !deps.intervals.includes(interval)) {
    throw badInput('interval', `unsupported interval "${interval}"; supported: ${deps.intervals.join(', ')}`);
  }
  return { symbol: upper, interval };
}
