import { TOPICS } from '@alphintra/bus';
import type { StrategyMutation } from '@alphintra/db';
import type { StrategyServiceDeps } from './context.ts';

/**
 * A strategy lifecycle event on `strategy.events` (key = strategy id). `seq` is the change's sequence number in
 * `strategy_changes`: an engine that missed an event sees a newer `seq` there and reloads.
 */
export interface StrategyEvent {
  readonly type: StrategyMutation['change']['type'];
  readonly strategyId: string;
  readonly version: number;
  readonly status: StrategyMutation['strategy']['status'];
  readonly at: string;
  readonly seq: number;
}

/**
 * Produces the event of a committed mutation. A failed produce does not fail the mutation: the change row is
 * already committed and reconciles the engines, so the failure is reported and the caller carries on.
 */
export async function publishStrategyEvent(deps: StrategyServiceDeps, mutation: StrategyMutation): Promise<void> {
  const event: StrategyEvent = {
    type: mutation.change.type,
    strategyId: mutation.strategy.id,
    version: mutation.change.version,
    status: mutation.strategy.status,
    at: mutation.change.at.toISOString(),
    seq: mutation.change.seq,
  };
  try {
    await deps.bus.produce(TOPICS.strategyEvents, [{ key: event.strategyId, value: JSON.stringify(event) }]);
  } catch (error) {
    const report =
      deps.onEventError ??
      ((e: unknown) => console.warn(`[strategy] could not produce ${event.type} event seq ${event.seq}`, e));
    report(error, event);
  }
}
