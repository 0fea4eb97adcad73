import { type Candle, isUuid } from '@alphintra/core';
import { InvalidCursorError, liveSignalOutcomes, pinnedModel, queryCandles } from '@alphintra/db';
import { BACKTEST_WARMUP_CANDLES, comparePerformance, followWindowMs } from '@alphintra/engine';
import { loadModelFiles } from '@alphintra/engine/onnx';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type { StrategyResolvers } from '../__generated__/resolvers.ts';
import { checkedCost, checkedPeriod, epochMs, readableVersion } from '../backtest-input.ts';

const NO_SIGNALS = { items: [], hasNextPage: false };

export const Strategy: StrategyResolvers = {
  // The strategy subgraph owns strategies; this one only adds their signals, so a reference is all it needs.
  __resolveReference: (ref) => ({ id: ref.id }),
  signals: async (strategy, { first, after, shadow }, ctx) => {
    const size = pageSize(first);
    if (!isUuid(strategy.id)) return connectionOf(NO_SIGNALS);
    const loader = ctx.strategySignalsLoader({ first: size, after: after ?? null, shadow: shadow ?? false });
    try {
      return connectionOf(await loader.load(strategy.id));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  performance: async (strategy, args, ctx) => {
    const spec = await readableVersion(ctx, strategy.id, args.version, undefined, '');
    const from = epochMs(args.from);
    const to = epochMs(args.to);
    checkedPeriod(ctx, spec.interval, spec.symbols.length, from, to, '');
    const costs = {
      feeBps: checkedCost(args.feeBps, 'feeBps'),
      slippageBps: checkedCost(args.slippageBps, 'slippageBps'),
    };
    const plan = { spec, from, to };
    const follow = followWindowMs(spec);
    const candles: Candle[] = [];
    for (const symbol of spec.symbols) {
      const series = { symbol, interval: spec.interval };
      candles.push(...(await queryCandles(ctx.deps.db, { ...series, to: from, last: BACKTEST_WARMUP_CANDLES })));
      candles.push(...(await queryCandles(ctx.deps.db, { ...series, from, to: to + follow })));
    }
    // The live signals of the candles opening in [from, to) have their times in (from, to].
    const live = await liveSignalOutcomes(ctx.deps.db, {
      strategyId: spec.id,
      version: spec.version,
      from: from + 1,
      to: to + 1,
    });
    // An AI_ML version's backtest runs the very model version its document pins.
    const pin = spec.document.model;
    const models = await loadModelFiles(pin === undefined ? [] : [await pinnedModel(ctx.deps.db, pin)]);
    try {
      return { version: spec.version, from, to, ...(await comparePerformance(plan, candles, live, costs, models)) };
    } finally {
      await Promise.all([...models.values()].map((model) => model.release()));
    }
  },
};
