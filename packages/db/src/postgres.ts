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
  const db = drizzle({ client: preparedStatements(client), schema, casing: 'snake_case' });
  // Processes that start together (the platform and an API process) migrate one after the other: the second finds
  // nothing left to apply. The lock is held by a session of its own, and ends with it.
  const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  } finally {
    await lock.end({ timeout: 1 });
  }
  return {
    db,
    kind: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}

/** Held while migrating (a session lock). */
const MIGRATION_LOCK = 0x5167_6e03;

type Callback = (sql: postgres.Sql) => unknown;

/**
 * The client Drizzle is given: every query with parameters runs as a prepared statement. Drizzle asks postgres.js
 * for an unnamed statement unless a query was built with `.prepare(name)`, and for an unnamed statement with
 * parameters postgres.js first learns their types (Parse and Describe, one round trip), then binds and executes
 * (a second one), while the server parses and plans the text each time. Prepared (postgres.js' own default for
 * its tagged queries), a connection parses a text once per parameter types and every later run is one round trip
 * without parsing. Queries without parameters keep the simple protocol, already one round trip. Transactions and
 * savepoints hand their callbacks a client wrapped the same way.
 */
function preparedStatements(sql: postgres.Sql): postgres.Sql {
  const wrapCallback = (args: unknown[]): unknown[] => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') return args;
    return [...args.slice(0, -1), (inner: postgres.Sql) => (callback as Callback)(preparedStatements(inner))];
  };
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      switch (property) {
        case 'unsafe':
          return (query: string, parameters: unknown[] = [], options: Record<string, unknown> = {}) =>
            target.unsafe(
              query,
              parameters as postgres.ParameterOrJSON<never>[],
              parameters.length > 0 ? { ...options, prepare: true } : options,
            );
        case 'begin':
        case 'savepoint':
          return (...args: unknown[]) => (value as (...all: unknown[]) => unknown).apply(target, wrapCallback(args));
        default:
          return value;
      }
    },
  });
}
