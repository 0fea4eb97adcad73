import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll } from 'vitest';
import { type Database, type Db, MIGRATIONS_FOLDER, openDatabase } from './client.ts';
import { strategies } from './schema/strategies.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

/** Where a contract suite runs: embedded PGlite always, a real PostgreSQL when `DATABASE_URL` is set. */
export const DATABASE_ADAPTERS = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'Postgres', url: postgresUrl, enabled: postgresUrl !== undefined },
];

/**
 * A fresh database for the enclosing suite (its own database on the server for PostgreSQL), opened before its
 * tests and dropped after them, with a helper for the bare strategy rows signals need as their foreign key.
 */
export function useTestDatabase(adapter: { readonly url: string | undefined; readonly enabled: boolean }) {
  let database: Database | undefined;
  let drop = async () => {};
  let rows = 0;
  beforeAll(async () => {
    if (!adapter.enabled) return;
    let url: string | undefined;
    if (adapter.url) {
      const created = await createTestDatabase(adapter.url);
      url = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url });
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });
  const handle = {
    get database(): Database {
      if (database === undefined) throw new Error('the test database is not open');
      return database;
    },
    /** Inserts a strategy row with nothing but a unique name; returns its id. */
    async strategyRow(prefix = 'owner'): Promise<string> {
      const [row] = await handle.database.db
        .insert(strategies)
        .values({ name: `${prefix}-${rows++}` })
        .returning({ id: strategies.id });
      if (!row) throw new Error('no strategy row');
      return row.id;
    },
  };
  return handle;
}

/**
 * A fresh PGlite database migrated up to, not including, the first migration whose tag starts with `before`: to
 * store data as an earlier version did. `upgrade` applies the remaining migrations; `close` ends it.
 */
export async function earlierDatabase(before: string) {
  const early = mkdtempSync(join(tmpdir(), 'alphintra-migrations-'));
  const client = new PGlite();
  const close = async () => {
    await client.close();
    rmSync(early, { recursive: true, force: true });
  };
  const raw = drizzle({ client, casing: 'snake_case' });
  try {
    cpSync(MIGRATIONS_FOLDER, early, { recursive: true });
    const journalFile = join(early, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const upTo = journal.entries.findIndex((e) => e.tag.startsWith(before));
    if (upTo < 0) throw new Error(`no migration ${before}`);
    journal.entries = journal.entries.slice(0, upTo);
    writeFileSync(journalFile, JSON.stringify(journal));
    await migrate(raw, { migrationsFolder: early });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    client,
    db: raw as unknown as Db,
    upgrade: () => migrate(raw, { migrationsFolder: MIGRATIONS_FOLDER }),
    close,
  };
}
