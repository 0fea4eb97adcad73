import { INTERVALS, type Interval, isUuid, type StrategyDocument, type StrategySpec } from '@alphintra/core';
import { getInstrument, getStrategies, getStrategyVersion, type NewBacktest } from '@alphintra/db';
import { validateStrategyDocument } from '@alphintra/engine';
import {
  badInput,
  checkModelPin,
  forbidden,
  isStorableTime,
  mayRead,
  problemsError,
  userError,
} from '@alphintra/subgraph-kit';
import type { RunBacktestInput } from './__generated__/resolvers.ts';
import { backtestLimits, type SignalContext } from './context.ts';

/** Symbols one backtest may name. */
export const MAX_BACKTEST_SYMBOLS = 50;
/** Fee and slippage per side are each at most this many basis points (10 %). */
export const MAX_COST_BPS = 1_000;

const SYMBOL = /^[A-Z0-9]{2,30}$/;

/** A `DateTime` argument as epoch ms (the scalar has checked it). */
export function epochMs(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

/** The strategy version (stored, or a draft document as version 0) a caller may backtest, as the engine runs it. */
export async function readableVersion(
  ctx: SignalContext,
  strategyId: string,
  version: number | null | undefined,
  document: unknown,
  field: string,
): Promise<StrategySpec> {
  const notFound = () => userError('NOT_FOUND', `no strategy ${strategyId}`, `${field}strategyId`);
  if (!isUuid(strategyId)) throw notFound();
  const [strategy] = await getStrategies(ctx.deps.db, [strategyId]);
  if (strategy === undefined) throw notFound();
  if (!mayRead(ctx.identity, strategy)) throw forbidden(`strategy ${strategyId} is private to another user`);
  const base = { id: strategy.id, name: strategy.name, status: 'ACTIVE', mode: 'LIVE', activatedAt: null } as const;
  if (document !== undefined && document !== null) {
    if (version != null) throw badInput(`${field}document`, 'give a version or a document, not both');
    // A draft that reads a model: the version it pins must be one the caller may use, with that checksum, and the
    // document is checked against the model's outputs, as createStrategy checks it.
    const { model, problem } = await checkModelPin(ctx.deps.db, ctx.identity, document);
    const problems = [
      ...(problem === undefined ? [] : [problem]),
      ...validateStrategyDocument(document, model ? { model } : {}),
    ];
    if (problems.length > 0) throw problemsError(`${field}document`, problems);
    const draft = document as StrategyDocument;
    const intervals = ctx.deps.intervals;
    if (intervals !== undefined && !intervals.includes(draft.interval)) {
      throw badInput(
        `${field}document/interval`,
        `the platform builds no ${draft.interval} candles; use one of ${intervals.join(', ')}`,
      );
    }
    return {
      ...base,
      version: 0,
      source: draft.model === undefined ? 'NO_CODE' : 'AI_ML',
      symbols: strategy.symbols,
      interval: draft.interval,
      document: draft,
    };
  }
  const wanted = version ?? strategy.version;
  const stored = await getStrategyVersion(ctx.deps.db, strategyId, wanted);
  if (stored === undefined) {
    throw userError('NOT_FOUND', `strategy ${strategyId} has no version ${wanted}`, `${field}version`);
  }
  return {
    ...base,
    version: stored.version,
    source: stored.source,
    symbols: stored.symbols,
    interval: stored.interval,
    document: stored.document,
  };
}

/**
 * Checks a period of candles: `from` before `to`, both storable, and symbols x candles within the limit
 * (`BACKTEST_MAX_CANDLES`). Returns the number of candle slots.
 */
export function checkedPeriod(
  ctx: SignalContext,
  interval: Interval,
  symbols: number,
  from: number,
  to: number,
  field: string,
): number {
  if (!isStorableTime(from)) throw badInput(`${field}from`, 'must be an instant from year 1 to 9999');
  if (!isStorableTime(to)) throw badInput(`${field}to`, 'must be an instant from year 1 to 9999');
  if (from >= to) throw badInput(`${field}to`, 'must be after `from`');
  const slots = Math.ceil((to - from) / INTERVALS[interval]);
  const { maxCandles } = backtestLimits(ctx.deps);
  if (slots * symbols > maxCandles) {
    throw badInput(
      `${field}to`,
      `the period holds ${slots * symbols} candles (${symbols} symbol(s) x ${slots} ${interval} candles); at most ${maxCandles} are allowed: shorten it or name fewer symbols`,
    );
  }
  return slots;
}

/** A fee or slippage in basis points per side, 0 by default. */
export function checkedCost(value: number | null | undefined, field: string): number {
  const bps = value ?? 0;
  if (!Number.isFinite(bps) || bps < 0 || bps > MAX_COST_BPS) {
    throw badInput(field, `must be from 0 to ${MAX_COST_BPS} basis points`);
  }
  return bps;
}

/** Checks a `runBacktest` input: the strategy readable, one of version and document, symbols, period and costs. */
export async function validateBacktestInput(ctx: SignalContext, input: RunBacktestInput): Promise<NewBacktest> {
  const spec = await readableVersion(ctx, input.strategyId, input.version, input.document, 'input.');
  let symbols = [...spec.symbols];
  if (input.symbols != null) {
    symbols = [...new Set(input.symbols.map((s) => s.trim().toUpperCase()))];
    if (symbols.length === 0) throw badInput('input.symbols', 'give at least one symbol, or none for the version’s');
    if (symbols.length > MAX_BACKTEST_SYMBOLS) {
      throw badInput('input.symbols', `at most ${MAX_BACKTEST_SYMBOLS} symbols`);
    }
    for (const symbol of symbols) {
      if (!SYMBOL.test(symbol) || (await getInstrument(ctx.deps.db, symbol)) === undefined) {
        throw badInput(
          'input.symbols',
          `unknown symbol "${symbol}": the market data source does not list it (see Query.instruments)`,
        );
      }
    }
  }
  const from = epochMs(input.from);
  const to = epochMs(input.to);
  checkedPeriod(ctx, spec.interval, symbols.length, from, to, 'input.');
  return {
    owner: ctx.identity.sub,
    strategyId: spec.id,
    strategyVersion: spec.version,
    strategyName: spec.name,
    strategySource: spec.source,
    interval: spec.interval,
    document: spec.document,
    symbols,
    from: new Date(from),
    to: new Date(to),
    feeBps: checkedCost(input.feeBps, 'input.feeBps'),
    slippageBps: checkedCost(input.slippageBps, 'input.slippageBps'),
  };
}
