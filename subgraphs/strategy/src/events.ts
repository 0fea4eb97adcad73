import { TOPICS } from '@alphintra/bus';
import type { StrategyRecord } from '@alphintra/db';
import type { StrategyServiceDeps } from './context.ts';

/** A strategy lifecycle event on `strategy.events` (key = strategy id). */
export interface StrategyEvent {
  readonly type: 'created' | 'activated' | 'deactivated';
  readonly strategyId: string;
  readonly version: number;
  readonly status: StrategyRecord['status'];
  readonly at: string;
}

/** Publishes a lifecycle event; the engine reloads the active strategies when it sees one. */
export async function publishStrategyEvent(
  deps: StrategyServiceDeps,
  type: StrategyEvent['type'],
  strategy: StrategyRecord,
): Promise<void> {
  const event: StrategyEvent = {
    type,
    strategyId: strategy.id,
    version: strategy.version,
    status: strategy.status,
    at: new Date().toISOString(),
  };
  await deps.bus.produce(TOPICS.strategyEvents, [{ key: strategy.id, value: JSON.stringify(event) }]);
}
