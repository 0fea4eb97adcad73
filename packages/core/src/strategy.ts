import type { StrategyDocument } from './document.ts';
import type { Interval } from './market.ts';

export const STRATEGY_SOURCES = ['NO_CODE', 'AI_ML'] as const;
export type StrategySource = (typeof STRATEGY_SOURCES)[number];

/** A strategy's lifecycle: `ARCHIVED` is retired for good (kept for its history, never run again). */
export const STRATEGY_STATUSES = ['ACTIVE', 'INACTIVE', 'ARCHIVED'] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

/** How a running version's signals are distributed: `SHADOW` signals are stored and queryable only. */
export const STRATEGY_MODES = ['LIVE', 'SHADOW'] as const;
export type StrategyMode = (typeof STRATEGY_MODES)[number];

/**
 * What the engine runs: one immutable version of a strategy, in one mode. Two versions of one strategy may run
 * side by side (A/B, or one of them in shadow); each signal names the version that produced it.
 */
export interface StrategySpec {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly source: StrategySource;
  readonly symbols: readonly string[];
  /** The document's interval. */
  readonly interval: Interval;
  readonly document: StrategyDocument;
  readonly status: StrategyStatus;
  readonly mode: StrategyMode;
  /**
   * Epoch ms from which this version may signal: a candle that closed at or before it only warms the version up
   * (null = no bound, e.g. a backtest).
   */
  readonly activatedAt: number | null;
  /**
   * Epoch ms after which this version no longer signals, set on a run a change replaced (its successor's
   * activation): the engine evaluates it only on candles that close up to it. Unset on a running version.
   */
  readonly endsAt?: number | null;
}
