import type { EventBus } from '@alphintra/bus';
import type { Interval } from '@alphintra/core';
import { type Db, getStrategies, type StrategyRecord } from '@alphintra/db';
import DataLoader from 'dataloader';

/** What the strategy subgraph needs from the platform. */
export interface StrategyServiceDeps {
  readonly db: Db;
  /** Where lifecycle events go (`strategy.events`), for the engine's hot reload. */
  readonly bus: EventBus;
  /** Candle intervals the platform aggregates. */
  readonly intervals: readonly Interval[];
}

/** Per-request context: the dependencies and request-scoped DataLoaders. */
export interface StrategyContext {
  readonly deps: StrategyServiceDeps;
  readonly strategyLoader: DataLoader<string, StrategyRecord | undefined>;
}

export function createContext(deps: StrategyServiceDeps): StrategyContext {
  return {
    deps,
    strategyLoader: new DataLoader((ids) => getStrategies(deps.db, ids)),
  };
}
