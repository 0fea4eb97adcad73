import type {
  Interval,
  StrategyParameters,
  StrategySource,
  StrategySpec,
  StrategyStatus,
  StrategyType,
} from '@alphintra/core';
import { and, arrayContains, asc, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { strategies, strategyVersions } from '../schema/strategies.ts';

/** A strategy at its current version, with its lifecycle timestamps. */
export interface StrategyRecord extends StrategySpec {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewStrategy {
  readonly name: string;
  readonly type: StrategyType;
  readonly source: StrategySource;
  readonly symbols: readonly string[];
  readonly interval: Interval;
  readonly parameters: StrategyParameters;
  readonly status: StrategyStatus;
}

/** The strategy name is taken (names are unique). */
export class StrategyNameTakenError extends Error {
  constructor(readonly strategyName: string) {
    super(`a strategy named "${strategyName}" already exists`);
    this.name = 'StrategyNameTakenError';
  }
}

const current = {
  id: strategies.id,
  name: strategies.name,
  status: strategies.status,
  version: strategies.currentVersion,
  createdAt: strategies.createdAt,
  updatedAt: strategies.updatedAt,
  type: strategyVersions.type,
  source: strategyVersions.source,
  symbols: strategyVersions.symbols,
  interval: strategyVersions.interval,
  parameters: strategyVersions.parameters,
};

function selectCurrent(db: Db) {
  return db
    .select(current)
    .from(strategies)
    .innerJoin(
      strategyVersions,
      and(eq(strategyVersions.strategyId, strategies.id), eq(strategyVersions.version, strategies.currentVersion)),
    );
}

type CurrentRow = Awaited<ReturnType<ReturnType<typeof selectCurrent>['execute']>>[number];

function toRecord(row: CurrentRow): StrategyRecord {
  return { ...row, interval: row.interval as Interval };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** Creates a strategy and its version 1 in one transaction. */
export async function createStrategy(db: Db, input: NewStrategy): Promise<StrategyRecord> {
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(strategies)
        .values({ name: input.name, status: input.status, currentVersion: 1 })
        .returning({ id: strategies.id });
      if (!row) throw new Error('insert returned no row');
      await tx.insert(strategyVersions).values({
        strategyId: row.id,
        version: 1,
        type: input.type,
        source: input.source,
        symbols: [...input.symbols],
        interval: input.interval,
        parameters: { ...input.parameters },
      });
      return row.id;
    });
    const [record] = await getStrategies(db, [id]);
    if (!record) throw new Error(`strategy ${id} vanished after insert`);
    return record;
  } catch (error) {
    if (isUniqueViolation(error)) throw new StrategyNameTakenError(input.name);
    throw error;
  }
}

/** Strategies by id, in the order of `ids` (`undefined` where none): the shape DataLoader needs. */
export async function getStrategies(db: Db, ids: readonly string[]): Promise<(StrategyRecord | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await selectCurrent(db).where(inArray(strategies.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
  return ids.map((id) => byId.get(id));
}

/** Finds a strategy by its unique name. */
export async function getStrategyByName(db: Db, name: string): Promise<StrategyRecord | undefined> {
  const [row] = await selectCurrent(db).where(eq(strategies.name, name));
  return row && toRecord(row);
}

export interface StrategyFilter {
  readonly status?: StrategyStatus | undefined;
  readonly type?: StrategyType | undefined;
  readonly symbol?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly { readonly node: T; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}

/** Strategies oldest first, a page at a time (cursor = creation time and id). */
export async function listStrategies(
  db: Db,
  params: { first: number; after?: string | undefined; filter?: StrategyFilter | undefined },
): Promise<Page<StrategyRecord>> {
  const conditions: SQL[] = [];
  const filter = params.filter ?? {};
  if (filter.status) conditions.push(eq(strategies.status, filter.status));
  if (filter.type) conditions.push(eq(strategyVersions.type, filter.type));
  if (filter.symbol) conditions.push(arrayContains(strategyVersions.symbols, [filter.symbol]));
  if (params.after !== undefined) {
    const key = decodeCursor(params.after);
    const [createdAt, id] = key ?? [];
    if (typeof createdAt !== 'number' || typeof id !== 'string') throw new InvalidCursorError(params.after);
    const at = new Date(createdAt);
    const after = or(gt(strategies.createdAt, at), and(eq(strategies.createdAt, at), gt(strategies.id, id)));
    if (after) conditions.push(after);
  }
  const rows = await selectCurrent(db)
    .where(and(...conditions))
    .orderBy(asc(strategies.createdAt), asc(strategies.id))
    .limit(params.first + 1);
  return {
    items: rows.slice(0, params.first).map((row) => ({
      node: toRecord(row),
      cursor: encodeCursor([row.createdAt.getTime(), row.id]),
    })),
    hasNextPage: rows.length > params.first,
  };
}

/** The specs of every active strategy at its current version: what the engine runs. */
export async function activeStrategySpecs(db: Db): Promise<StrategySpec[]> {
  const rows = await selectCurrent(db).where(eq(strategies.status, 'ACTIVE'));
  return rows.map((row) => {
    const { createdAt: _c, updatedAt: _u, ...spec } = toRecord(row);
    return spec;
  });
}

/** Sets a strategy's status; `undefined` when there is no such strategy. */
export async function setStrategyStatus(
  db: Db,
  id: string,
  status: StrategyStatus,
): Promise<StrategyRecord | undefined> {
  const updated = await db
    .update(strategies)
    .set({ status, updatedAt: new Date() })
    .where(eq(strategies.id, id))
    .returning({ id: strategies.id });
  if (updated.length === 0) return undefined;
  const [record] = await getStrategies(db, [id]);
  return record;
}
