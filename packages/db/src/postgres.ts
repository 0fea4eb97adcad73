import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { type Database, MIGRATIONS_FOLDER } from './client.ts';
import * as schema from './schema/index.ts';

/**
 * A Postgres server through postgres.js; migrations applied. postgres.js reconnects on its own: a query made
 * while the server is away fails, and the next one opens a fresh connection.
 */
export async function openPostgres(url: string): Promise<Database> {
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle({ client, schema, casing: 'snake_case' });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    kind: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}
