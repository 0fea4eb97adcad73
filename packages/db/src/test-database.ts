import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll } from 'vitest';
import { type Database, openDatabase } from './client.ts';
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
