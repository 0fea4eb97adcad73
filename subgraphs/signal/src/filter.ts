import { isUuid, type Signal } from '@alphintra/core';
import type { SignalFilter as Filter } from '@alphintra/db';
import { badInput } from '@alphintra/subgraph-kit';
import type { SignalFilter } from './__generated__/resolvers.ts';

/** Checks and normalizes a filter (symbols upper-cased); throws BAD_USER_INPUT naming the field at fault. */
export function normalizeFilter(filter: SignalFilter | null | undefined): Filter {
  if (!filter) return {};
  const { minConfidence } = filter;
  if (minConfidence != null && (minConfidence < 0 || minConfidence > 1)) {
    throw badInput('filter.minConfidence', 'must be between 0 and 1');
  }
  const invalidId = filter.strategyIds?.find((id) => !isUuid(id));
  if (invalidId !== undefined) {
    throw badInput('filter.strategyIds', `"${invalidId}" is not a strategy id (a UUID, see Query.strategies)`);
  }
  return {
    symbols: filter.symbols?.map((s) => s.trim().toUpperCase()) ?? null,
    strategyIds: filter.strategyIds ?? null,
    actions: filter.actions ?? null,
    minConfidence: minConfidence ?? null,
    shadow: filter.shadow ?? null,
  };
}

/** Whether a signal passes a filter, with the history query's semantics (live signals unless `shadow` is asked). */
export function matchesFilter(signal: Signal, filter: Filter): boolean {
  if (signal.shadow !== (filter.shadow ?? false)) return false;
  if (filter.symbols?.length && !filter.symbols.includes(signal.symbol)) return false;
  if (filter.strategyIds?.length && !filter.strategyIds.includes(signal.strategyId)) return false;
  if (filter.actions?.length && !filter.actions.includes(signal.action)) return false;
  if (filter.minConfidence != null && signal.confidence < filter.minConfidence) return false;
  return true;
}
