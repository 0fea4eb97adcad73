import { INTERVALS, type Interval } from '@alphintra/core';
import type { SignalOutcome } from './outcome.ts';

/** Trading costs, each paid on entry and again on exit, in basis points of the price (1 bp = 0.01 %). */
export interface CostModel {
  readonly feeBps: number;
  readonly slippageBps: number;
}

/** No fee, no slippage. */
export const NO_COSTS: CostModel = { feeBps: 0, slippageBps: 0 };

/**
 * The figures of a set of signal outcomes (a backtest, or the live signals of a version over a period). A trade
 * is a closed outcome; its net return is its `returnPct` minus the round-trip cost. Definitions in
 * docs/architecture.md ("Signal outcomes"); null where a figure has no value (no trade, no loss, one trade).
 */
export interface PerformanceSummary {
  /** Closed outcomes. */
  readonly trades: number;
  /** Outcomes still open (not trades; they count in `exposure`). */
  readonly open: number;
  readonly takeProfits: number;
  readonly stopLosses: number;
  readonly expired: number;
  /** Trades with a net return above 0. */
  readonly wins: number;
  /** Trades with a net return below 0 (a trade at exactly 0 is neither). */
  readonly losses: number;
  /** wins / trades. */
  readonly winRate: number | null;
  /** 2 x (feeBps + slippageBps) / 100: what each trade's return is reduced by, in percent. */
  readonly roundTripCostPct: number;
  /** Mean net return per trade, in percent. */
  readonly averageReturnPct: number | null;
  /** Compounded: (product of (1 + net / 100) - 1) x 100, trades in close order; 0 without trades. */
  readonly totalReturnPct: number;
  /** Sum of the positive net returns, in percent. */
  readonly grossProfitPct: number;
  /** Sum of the negative net returns' magnitudes, in percent. */
  readonly grossLossPct: number;
  /** grossProfitPct / grossLossPct; null when there is no loss. */
  readonly profitFactor: number | null;
  /** The largest fall from a peak of the compounded equity curve (starting at 1), in percent of the peak. */
  readonly maxDrawdownPct: number;
  /** Mean / sample standard deviation of the per-trade net returns, not annualised; null under 2 trades or 0 spread. */
  readonly sharpe: number | null;
  /** Fraction (0..1) of the period during which at least one outcome was open. */
  readonly exposure: number;
  /** Mean (closedAt - openedAt) of the trades in candles of `interval`; null without an interval or a trade. */
  readonly averageBarsHeld: number | null;
}

/**
 * Summarises outcomes: every closed outcome given is a trade (choose them by the period before calling); the
 * period [from, to) (epoch ms) is what `exposure` is a fraction of, an outcome still open counting as open until
 * `to`. Trades are taken in close order (`closedAt`, then `openedAt`, then signal id), so the result does not
 * depend on the order of `outcomes`.
 */
export function summarize(
  outcomes: readonly SignalOutcome[],
  costs: CostModel,
  period: { readonly from: number; readonly to: number },
  interval?: Interval,
): PerformanceSummary {
  const roundTripCostPct = (2 * (costs.feeBps + costs.slippageBps)) / 100;
  const closed = outcomes
    .filter((o) => o.status !== 'OPEN' && o.closedAt !== null && o.returnPct !== null)
    .sort(closeOrder);
  const returns = closed.map((o) => (o.returnPct ?? 0) - roundTripCostPct);

  let wins = 0;
  let losses = 0;
  let grossProfitPct = 0;
  let grossLossPct = 0;
  let sum = 0;
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const r of returns) {
    if (r > 0) {
      wins += 1;
      grossProfitPct += r;
    } else if (r < 0) {
      losses += 1;
      grossLossPct -= r;
    }
    sum += r;
    equity *= 1 + r / 100;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, (peak - equity) / peak);
  }
  const trades = returns.length;
  const mean = trades > 0 ? sum / trades : null;

  let sharpe: number | null = null;
  if (mean !== null && trades >= 2) {
    const variance = returns.reduce((acc, r) => acc + (r - mean) ** 2, 0) / (trades - 1);
    const deviation = Math.sqrt(variance);
    sharpe = deviation > 0 ? mean / deviation : null;
  }

  let averageBarsHeld: number | null = null;
  if (interval !== undefined && trades > 0) {
    const held = closed.reduce((acc, o) => acc + ((o.closedAt ?? o.openedAt) - o.openedAt), 0);
    averageBarsHeld = held / trades / INTERVALS[interval];
  }

  return {
    trades,
    open: outcomes.filter((o) => o.status === 'OPEN').length,
    takeProfits: closed.filter((o) => o.status === 'TAKE_PROFIT').length,
    stopLosses: closed.filter((o) => o.status === 'STOP_LOSS').length,
    expired: closed.filter((o) => o.status === 'EXPIRED').length,
    wins,
    losses,
    winRate: trades > 0 ? wins / trades : null,
    roundTripCostPct,
    averageReturnPct: mean,
    totalReturnPct: (equity - 1) * 100,
    grossProfitPct,
    grossLossPct,
    profitFactor: losses > 0 ? grossProfitPct / grossLossPct : null,
    maxDrawdownPct: maxDrawdown * 100,
    sharpe,
    exposure: exposure(outcomes, period),
    averageBarsHeld,
  };
}

/** The fraction of [from, to) covered by the union of the outcomes' [openedAt, closedAt or to). */
function exposure(outcomes: readonly SignalOutcome[], period: { readonly from: number; readonly to: number }): number {
  const length = period.to - period.from;
  if (!(length > 0)) return 0;
  const spans = outcomes
    .map((o) => [Math.max(period.from, o.openedAt), Math.min(period.to, o.closedAt ?? period.to)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = period.from;
  for (const [start, end] of spans) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered / length;
}

function closeOrder(a: SignalOutcome, b: SignalOutcome): number {
  return (
    (a.closedAt ?? 0) - (b.closedAt ?? 0) ||
    a.openedAt - b.openedAt ||
    (a.signalId < b.signalId ? -1 : a.signalId > b.signalId ? 1 : 0)
  );
}
