import type { ModelDefinition, ModelFeatures } from '@alphintra/core';
import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../cursor.ts';
import { type ModelRow, type ModelVersionRow, models, modelVersions } from '../schema/models.ts';
import type { StrategyVisibility } from '../schema/strategies.ts';
import type { Page } from './strategies.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A registered model, as the API shows it. */
export interface ModelRecord {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly visibility: StrategyVisibility;
  readonly currentVersion: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One version of a model, without its bytes. */
export interface ModelVersionRecord {
  readonly modelId: string;
  readonly version: number;
  readonly checksum: string;
  readonly sizeBytes: number;
  readonly features: ModelFeatures;
  readonly outputs: readonly string[];
  readonly description: string | null;
  readonly createdAt: Date;
}

/** A version with what the engine needs to run it: its definition and its ONNX bytes. */
export interface StoredModel {
  readonly definition: ModelDefinition;
  readonly onnx: Uint8Array;
}

const versionColumns = {
  modelId: modelVersions.modelId,
  version: modelVersions.version,
  checksum: modelVersions.checksum,
  sizeBytes: modelVersions.sizeBytes,
  features: modelVersions.features,
  outputs: modelVersions.outputs,
  description: modelVersions.description,
  createdAt: modelVersions.createdAt,
};

/** The condition "the model is `sub`'s or public". */
function modelReadableBy(sub: string): SQL {
  return or(eq(models.owner, sub), eq(models.visibility, 'PUBLIC')) as SQL;
}

/** The model named `name` (locked for a change when `forUpdate`), or null. */
export async function getModelByName(
  db: Db,
  name: string,
  options: { forUpdate?: boolean } = {},
): Promise<ModelRecord | null> {
  const query = db.select().from(models).where(eq(models.name, name));
  const [row] = await (options.forUpdate ? query.for('update') : query);
  return row ?? null;
}

/** Models by id, in key order (undefined where there is none). */
export async function getModels(db: Db, ids: readonly string[]): Promise<(ModelRecord | undefined)[]> {
  const valid = ids.filter((id) => UUID.test(id));
  const rows = valid.length === 0 ? [] : await db.select().from(models).where(inArray(models.id, valid));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id));
}

/**
 * Adds a version to a model: a new model (version 1, owned by `owner`) when none has the name, else the next
 * version of the one given (`existing`, locked by the caller in the same transaction).
 */
export async function addModelVersion(
  db: Db,
  params: {
    readonly existing: ModelRecord | null;
    readonly name: string;
    readonly owner: string;
    readonly visibility: StrategyVisibility;
    readonly onnx: Uint8Array;
    readonly checksum: string;
    readonly features: ModelFeatures;
    readonly outputs: readonly string[];
    readonly description: string | null;
  },
): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  let model: ModelRow;
  if (params.existing === null) {
    [model] = (await db
      .insert(models)
      .values({ name: params.name, owner: params.owner, visibility: params.visibility })
      .returning()) as [ModelRow];
  } else {
    [model] = (await db
      .update(models)
      .set({ currentVersion: sql`${models.currentVersion} + 1`, updatedAt: sql`now()` })
      .where(eq(models.id, params.existing.id))
      .returning()) as [ModelRow];
  }
  const [version] = await db
    .insert(modelVersions)
    .values({
      modelId: model.id,
      version: model.currentVersion,
      onnx: params.onnx,
      checksum: params.checksum,
      sizeBytes: params.onnx.byteLength,
      features: params.features,
      outputs: [...params.outputs],
      description: params.description,
    })
    .returning(versionColumns);
  return { model, version: version as ModelVersionRecord };
}

/** Models oldest first (registration time, then id), a page at a time; `readableBy` narrows to a `sub`'s and public ones. */
export async function listModels(
  db: Db,
  params: { first: number; after?: string | null | undefined; readableBy?: string | undefined },
): Promise<Page<ModelRecord>> {
  const conditions: SQL[] = [];
  if (params.readableBy !== undefined) conditions.push(modelReadableBy(params.readableBy));
  if (params.after != null) {
    const [createdAt, id] = decodeCursor(params.after) ?? [];
    if (typeof createdAt !== 'number' || !Number.isFinite(createdAt) || typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidCursorError(params.after);
    }
    const at = new Date(createdAt);
    conditions.push(or(gt(models.createdAt, at), and(eq(models.createdAt, at), gt(models.id, id))) as SQL);
  }
  const rows = await db
    .select()
    .from(models)
    .where(and(...conditions))
    .orderBy(asc(models.createdAt), asc(models.id))
    .limit(params.first + 1);
  return {
    items: rows.slice(0, params.first).map((row) => ({
      node: row,
      cursor: encodeCursor([row.createdAt.getTime(), row.id]),
    })),
    hasNextPage: rows.length > params.first,
  };
}

/** Every version of each model, oldest first, in key order. */
export async function listModelVersions(db: Db, ids: readonly string[]): Promise<ModelVersionRecord[][]> {
  const valid = ids.filter((id) => UUID.test(id));
  const rows =
    valid.length === 0
      ? []
      : await db
          .select(versionColumns)
          .from(modelVersions)
          .where(inArray(modelVersions.modelId, valid))
          .orderBy(asc(modelVersions.modelId), asc(modelVersions.version));
  return ids.map((id) => rows.filter((row) => row.modelId === id));
}

/** One version of the model named `name`, with its owner, or null. */
export async function getModelVersion(
  db: Db,
  name: string,
  version: number,
): Promise<(ModelVersionRecord & { readonly name: string; readonly owner: string; visibility: string }) | null> {
  if (!Number.isInteger(version) || version < 1 || version > 2_147_483_647) return null;
  const [row] = await db
    .select({ ...versionColumns, name: models.name, owner: models.owner, visibility: models.visibility })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.name, name), eq(modelVersions.version, version)));
  return row ?? null;
}

/** The definitions and ONNX bytes of model versions by (name, version): what the engine loads. */
export async function loadStoredModels(
  db: Db,
  pins: readonly { readonly name: string; readonly version: number }[],
): Promise<StoredModel[]> {
  if (pins.length === 0) return [];
  const rows: (ModelVersionRow & { name: string })[] = await db
    .select({
      modelId: modelVersions.modelId,
      version: modelVersions.version,
      onnx: modelVersions.onnx,
      checksum: modelVersions.checksum,
      sizeBytes: modelVersions.sizeBytes,
      features: modelVersions.features,
      outputs: modelVersions.outputs,
      description: modelVersions.description,
      createdAt: modelVersions.createdAt,
      name: models.name,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(or(...pins.map((pin) => and(eq(models.name, pin.name), eq(modelVersions.version, pin.version)))));
  return rows.map((row) => ({
    definition: {
      name: row.name,
      version: row.version,
      checksum: row.checksum,
      features: row.features,
      outputs: row.outputs,
    },
    onnx: row.onnx,
  }));
}

/**
 * The stored model version a document pins, checked against the pin's checksum: what a backtest of that document
 * runs. Throws, saying why, when it is not registered or has other bytes.
 */
export async function pinnedModel(
  db: Db,
  pin: { readonly name: string; readonly version: number; readonly checksum: string },
): Promise<StoredModel> {
  const [stored] = await loadStoredModels(db, [pin]);
  if (stored === undefined) throw new Error(`model ${pin.name} v${pin.version} is not registered`);
  if (stored.definition.checksum !== pin.checksum) {
    throw new Error(
      `model ${pin.name} v${pin.version} has the checksum ${stored.definition.checksum}, not ${pin.checksum}`,
    );
  }
  return stored;
}
