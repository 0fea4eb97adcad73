import type { Signal, SignalAction } from '@alphintra/core';
import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { type SignalRow, signals } from '../schema/signals.ts';
import type { Page } from './strategies.ts';

function toRow(signal: Signal): typeof signals.$inferInsert {
  return {
    id: signal.id,
    timestamp: new Date(signal.timestamp),
    strategyId: signal.strategyId,
    strategyName: signal.strategyName,
    strategyVersion: signal.strategyVersion,
    strategySource: signal.strategySource,
    symbol: signal.symbol,
    action: signal.action,
    confidence: signal.confidence,
    quantity: signal.quantity,
    priceTarget: signal.priceTarget,
    stopLoss: signal.stopLoss,
    takeProfit: signal.takeProfit,
    riskScore: signal.riskScore,
    marketConditions: signal.metadata.marketConditions,
    volatility: signal.metadata.volatility,
    volumeProfile: signal.metadata.volumeProfile,
    orderType: signal.executionParams.orderType,
    timeInForce: signal.executionParams.timeInForce,
    maxSlippage: signal.executionParams.maxSlippage,
    marketDataTimestamp: new Date(signal.marketDataTimestamp),
    latencyMs: signal.latencyMs,
  };
}

/** Maps a stored row back to the platform's `Signal`. */
export function signalFromRow(row: SignalRow): Signal {
  return {
    id: row.id,
    timestamp: row.timestamp.getTime(),
    strategyId: row.strategyId,
    strategyName: row.strategyName,
    strategyVersion: row.strategyVersion,
    strategySource: row.strategySource,
    symbol: row.symbol,
    action: row.action,
    confidence: row.confidence,
    quantity: row.quantity,
    priceTarget: row.priceTarget,
    stopLoss: row.stopLoss,
    takeProfit: row.takeProfit,
    riskScore: row.riskScore,
    metadata: {
      marketConditions: row.marketConditions as Signal['metadata']['marketConditions'],
      volatility: row.volatility,
      volumeProfile: row.volumeProfile as Signal['metadata']['volumeProfile'],
    },
    executionParams: {
      orderType: row.orderType as Signal['executionParams']['orderType'],
      timeInForce: row.timeInForce as Signal['executionParams']['timeInForce'],
      maxSlippage: row.maxSlippage,
    },
    marketDataTimestamp: row.marketDataTimestamp.getTime(),
    latencyMs: row.latencyMs,
  };
}

/**
 * Stores signals; a signal whose id is already stored (a replay, a redelivery) is skipped.
 * Returns the signals that were new.
 */
export async function insertSignals(db: Db, batch: readonly Signal[]): Promise<Signal[]> {
  if (batch.length === 0) return [];
  const inserted = await db
    .insert(signals)
    .values(batch.map(toRow))
    .onConflictDoNothing({ target: signals.id })
    .returning({ id: signals.id });
  const fresh = new Set(inserted.map((row) => row.id));
  return batch.filter((signal) => fresh.has(signal.id));
}

export interface SignalFilter {
  readonly symbols?: readonly string[] | null | undefined;
  readonly strategyIds?: readonly string[] | null | undefined;
  readonly actions?: readonly SignalAction[] | null | undefined;
  readonly minConfidence?: number | null | undefined;
}

/** Persisted signals, newest first (by market time, then id), a page at a time. */
export async function listSignals(
  db: Db,
  params: { first: number; after?: string | null | undefined; filter?: SignalFilter | null | undefined },
): Promise<Page<Signal>> {
  const conditions: SQL[] = [];
  const filter = params.filter ?? {};
  if (filter.symbols?.length) conditions.push(inArray(signals.symbol, [...filter.symbols]));
  if (filter.strategyIds?.length) conditions.push(inArray(signals.strategyId, [...filter.strategyIds]));
  if (filter.actions?.length) conditions.push(inArray(signals.action, [...filter.actions]));
  if (filter.minConfidence != null) conditions.push(gte(signals.confidence, filter.minConfidence));
  if (params.after != null) {
    const [time, id] = decodeCursor(params.after) ?? [];
    if (typeof time !== 'number' || typeof id !== 'string') throw new InvalidCursorError(params.after);
    const at = new Date(time);
    const older = or(lt(signals.timestamp, at), and(eq(signals.timestamp, at), lt(signals.id, id)));
    if (older) conditions.push(older);
  }
  const rows = await db
    .select()
    .from(signals)
    .where(and(...conditions))
    .orderBy(desc(signals.timestamp), desc(signals.id))
    .limit(params.first + 1);
  return {
    items: rows.slice(0, params.first).map((row) => ({
      node: signalFromRow(row),
      cursor: encodeCursor([row.timestamp.getTime(), row.id]),
    })),
    hasNextPage: rows.length > params.first,
  };
}

/** Signals by id, in the order of `ids` (`undefined` where none). */
export async function getSignals(db: Db, ids: readonly string[]): Promise<(Signal | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(signals)
    .where(inArray(signals.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, signalFromRow(row)]));
  return ids.map((id) => byId.get(id));
}
