/** Built-in strategy kinds. */
export const STRATEGY_TYPES = ['EMA_CROSSOVER', 'RSI_REVERSION'] as const;
export type StrategyType = (typeof STRATEGY_TYPES)[number];

export const STRATEGY_SOURCES = ['NO_CODE', 'AI_ML'] as const;
export type StrategySource = (typeof STRATEGY_SOURCES)[number];

export const STRATEGY_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

/** Numeric strategy parameters by name (periods, thresholds, multipliers). */
export type StrategyParameters = Readonly<Record<string, number>>;

/** What the engine needs to know of a strategy: one immutable version of it. */
export interface StrategySpec {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly type: StrategyType;
  readonly source: StrategySource;
  readonly symbols: readonly string[];
  readonly interval: import('./market.ts').Interval;
  readonly parameters: StrategyParameters;
  readonly status: StrategyStatus;
}
