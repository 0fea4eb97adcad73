import type { Signal, SignalAction } from '@alphintra/core';
import type { WebhookFilter } from '@alphintra/db';

/** A filter as a user gives it (every field optional, lists may be empty). */
export interface WebhookFilterInput {
  readonly symbols?: readonly string[] | null | undefined;
  readonly strategyIds?: readonly string[] | null | undefined;
  readonly actions?: readonly SignalAction[] | null | undefined;
  readonly minConfidence?: number | null | undefined;
}

/** Why a filter is refused: the field at fault (under `filter`) and the reason. */
export class WebhookFilterError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookFilterError';
  }
}

/** Checks and normalizes a filter: symbols upper-cased, empty lists dropped, duplicates removed. */
export function normalizeWebhookFilter(input: WebhookFilterInput | null | undefined): WebhookFilter {
  if (!input) return {};
  const { minConfidence } = input;
  if (minConfidence != null && !(minConfidence >= 0 && minConfidence <= 1)) {
    throw new WebhookFilterError('minConfidence', 'must be between 0 and 1');
  }
  const list = <T extends string>(values: readonly T[] | null | undefined, map: (v: T) => T = (v) => v) =>
    values?.length ? [...new Set(values.map(map))] : undefined;
  const symbols = list(input.symbols, (s) => s.trim().toUpperCase());
  const strategyIds = list(input.strategyIds, (s) => s.trim().toLowerCase());
  const actions = list(input.actions);
  return {
    ...(symbols ? { symbols } : {}),
    ...(strategyIds ? { strategyIds } : {}),
    ...(actions ? { actions } : {}),
    ...(minConfidence != null ? { minConfidence } : {}),
  };
}

/** Whether a signal passes a webhook's filter (an absent list matches everything; shadow signals never do). */
export function matchesWebhookFilter(signal: Signal, filter: WebhookFilter): boolean {
  if (signal.shadow) return false;
  if (filter.symbols?.length && !filter.symbols.includes(signal.symbol)) return false;
  if (filter.strategyIds?.length && !filter.strategyIds.includes(signal.strategyId.toLowerCase())) return false;
  if (filter.actions?.length && !filter.actions.includes(signal.action)) return false;
  if (filter.minConfidence != null && signal.confidence < filter.minConfidence) return false;
  return true;
}
