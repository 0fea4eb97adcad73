import { InvalidCursorError, listBacktestSignals } from '@alphintra/db';
import type { PerformanceSummary } from '@alphintra/engine';
import { badInput, connectionOf, pageSize } from '@alphintra/subgraph-kit';
import type {
  BacktestResolvers,
  BacktestResultResolvers,
  BacktestSignalResolvers,
  PerformanceDifference,
  PerformanceSummaryResolvers,
  StrategyPerformanceResolvers,
} from '../__generated__/resolvers.ts';

export const Backtest: BacktestResolvers = {
  // The job carries its strategy's id and name, so the usual selection needs no entity fetch.
  strategy: (job) => ({ id: job.strategyId, name: job.strategyName }),
  symbols: (job) => [...job.symbols],
  progress: (job) => {
    if (job.status === 'SUCCEEDED') return 1;
    return job.candlesTotal ? Math.min(1, job.candlesDone / job.candlesTotal) : 0;
  },
  result: (job) => (job.status === 'SUCCEEDED' && job.summary !== null ? job : null),
};

export const BacktestResult: BacktestResultResolvers = {
  summary: (job) => job.summary as unknown as PerformanceSummary,
  signalCount: (job) => job.signalCount,
  signals: async (job, { first, after }, ctx) => {
    const size = pageSize(first);
    try {
      return connectionOf(await listBacktestSignals(ctx.deps.db, job.id, { first: size, after }));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
};

export const BacktestSignal: BacktestSignalResolvers = {
  id: ({ signal }) => signal.id,
  timestamp: ({ signal }) => signal.timestamp,
  symbol: ({ signal }) => signal.symbol,
  action: ({ signal }) => signal.action,
  confidence: ({ signal }) => signal.confidence,
  quantity: ({ signal }) => signal.quantity,
  priceTarget: ({ signal }) => signal.priceTarget,
  stopLoss: ({ signal }) => signal.stopLoss,
  takeProfit: ({ signal }) => signal.takeProfit,
  riskScore: ({ signal }) => signal.riskScore,
  expiresAt: ({ signal }) => signal.expiresAt,
  explanation: ({ signal }) => ({ rule: signal.explanation.rule, indicators: [...signal.explanation.indicators] }),
  outcome: ({ outcome }) => {
    if (outcome === null) throw new Error('a stored backtest signal has no outcome');
    // As the live outcome service stores it: the exit price's decimal text is the number's.
    return { ...outcome, exitPriceDecimal: outcome.exitPrice === null ? null : String(outcome.exitPrice) };
  },
};

export const PerformanceSummaryType: PerformanceSummaryResolvers = {
  sharpeRatio: (summary) => summary.sharpe,
};

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** live minus backtest, figure by figure. */
function difference(live: PerformanceSummary, backtest: PerformanceSummary): PerformanceDifference {
  return {
    trades: live.trades - backtest.trades,
    winRate: minus(live.winRate, backtest.winRate),
    averageReturnPct: minus(live.averageReturnPct, backtest.averageReturnPct),
    totalReturnPct: live.totalReturnPct - backtest.totalReturnPct,
    profitFactor: minus(live.profitFactor, backtest.profitFactor),
    maxDrawdownPct: live.maxDrawdownPct - backtest.maxDrawdownPct,
    sharpeRatio: minus(live.sharpe, backtest.sharpe),
    exposure: live.exposure - backtest.exposure,
  };
}

export const StrategyPerformance: StrategyPerformanceResolvers = {
  difference: (performance) => difference(performance.live, performance.backtest),
  liveOnly: (performance) => [...performance.liveOnly],
  backtestOnly: (performance) => [...performance.backtestOnly],
};
