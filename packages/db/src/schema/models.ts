import type { ModelFeatures } from '@alphintra/core';
import { customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { strategyVisibility } from './strategies.ts';

/** PostgreSQL `bytea` as bytes (postgres.js gives a Buffer, PGlite a Uint8Array; both are Uint8Arrays). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | string }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) =>
    typeof value === 'string' ? new Uint8Array(Buffer.from(value.replace(/^\\x/, ''), 'hex')) : new Uint8Array(value),
});

/**
 * A registered model: its name, owner and visibility. What it computes lives in its immutable versions; an
 * `AI_ML` strategy document pins one version by number and checksum.
 */
export const models = pgTable(
  'models',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    /** The `sub` of who registered it. */
    owner: text().notNull(),
    visibility: strategyVisibility().notNull().default('PRIVATE'),
    currentVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('models_created_idx').on(t.createdAt, t.id), index('models_owner_idx').on(t.owner)],
);

/** One immutable version of a model: the ONNX bytes, their checksum, and what the model reads and gives. */
export const modelVersions = pgTable(
  'model_versions',
  {
    modelId: uuid()
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    onnx: bytea().notNull(),
    /** `sha256:` and the hex SHA-256 of `onnx`. */
    checksum: text().notNull(),
    sizeBytes: integer().notNull(),
    features: jsonb().$type<ModelFeatures>().notNull(),
    outputs: text().array().notNull(),
    description: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.version] })],
);

export type ModelRow = typeof models.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
