import type { SignalAction } from './signal.ts';

/** Where a followed signal stands: still open, or closed by its target, its stop or its expiry. */
export const OUTCOME_STATUSES = ['OPEN', 'TAKE_PROFIT', 'STOP_LOSS', 'EXPIRED'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/**
 * What became of a signal on the candles after it (computed by the engine's `followSignal`). Prices are the raw
 * levels and candle prices, with no fee or slippage; `returnPct` is signed for the side (a SELL gains when the
 * price falls).
 */
export interface SignalOutcome {
  readonly signalId: string;
  readonly strategyId: string;
  readonly strategyVersion: number;
  readonly symbol: string;
  readonly action: SignalAction;
  readonly status: OutcomeStatus;
  /** The signal's timestamp (the close of its candle): when the position is taken. */
  readonly openedAt: number;
  /** The signal's price target: the close of its candle. */
  readonly entryPrice: number;
  /** Market time the outcome closed (ms): the close time of the candle that reached a level, or the expiry. */
  readonly closedAt: number | null;
  readonly exitPrice: number | null;
  /** (exit - entry) / entry x 100 for a BUY, (entry - exit) / entry x 100 for a SELL. */
  readonly returnPct: number | null;
}

/** The standard signal-outcome format (snake_case JSON, Kafka `trading.signal-outcomes`); see schema/signal-outcome.schema.json. */
export interface StandardSignalOutcome {
  signal_id: string;
  strategy_id: string;
  strategy_version: number;
  symbol: string;
  action: SignalAction;
  status: OutcomeStatus;
  /** ISO 8601, ms, UTC. */
  opened_at: string;
  entry_price: number;
  closed_at: string | null;
  exit_price: number | null;
  return_pct: number | null;
}

/** Version of the standard outcome format, sent as the Kafka header `schema-version`. */
export const OUTCOME_SCHEMA_VERSION = '1';

export function toStandardOutcome(outcome: SignalOutcome): StandardSignalOutcome {
  return {
    signal_id: outcome.signalId,
    strategy_id: outcome.strategyId,
    strategy_version: outcome.strategyVersion,
    symbol: outcome.symbol,
    action: outcome.action,
    status: outcome.status,
    opened_at: new Date(outcome.openedAt).toISOString(),
    entry_price: outcome.entryPrice,
    closed_at: outcome.closedAt === null ? null : new Date(outcome.closedAt).toISOString(),
    exit_price: outcome.exitPrice,
    return_pct: outcome.returnPct,
  };
}
