import type { StrategyResolvers } from '../__generated__/resolvers.ts';
import type { VersionStats } from '../context.ts';
import { readable } from './Query.ts';

export const Strategy: StrategyResolvers = {
  __resolveReference: async (ref, ctx) => readable(ctx, (await ctx.strategyLoader.load(ref.id)) ?? null),
  symbols: (strategy) => [...strategy.symbols],
  versions: (strategy, _args, ctx) => ctx.versionsLoader.load(strategy.id),
  runs: (strategy, _args, ctx) => ctx.runsLoader.load(strategy.id),
  stats: async (strategy, _args, ctx) => {
    const [runs, engine, signals] = await Promise.all([
      ctx.runsLoader.load(strategy.id),
      ctx.engineStatsLoader.load(strategy.id),
      ctx.signalCountsLoader.load(strategy.id),
    ]);
    const versions = [...new Set([...runs, ...engine, ...signals].map((row) => row.version))].sort((a, b) => a - b);
    return versions.map((version): VersionStats => {
      const run = runs.find((r) => r.version === version);
      const figures = engine.find((e) => e.version === version);
      const produced = signals.find((s) => s.version === version);
      return {
        version,
        mode: run?.mode ?? null,
        signals: produced?.count ?? 0,
        lastSignalAt: produced?.lastSignalAt ?? null,
        evaluations: figures?.evaluations ?? 0,
        evalP50Ms: figures?.evalP50Ms ?? null,
        evalP99Ms: figures?.evalP99Ms ?? null,
        errors: figures?.errors ?? 0,
        lastError: figures?.lastError ?? null,
        state: run === undefined ? 'STOPPED' : (figures?.state ?? 'PENDING'),
      };
    });
  },
};
