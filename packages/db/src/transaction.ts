import type { SQL } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { type Db, rowsOf } from './client.ts';

/** The postgres.js client behind a database opened by `openPostgres`. */
const servers = new WeakMap<Db, postgres.Sql>();
const dialect = new PgDialect({ casing: 'snake_case' });

/** Lets `oneTripTransaction` write straight to `client` for `db` (`openPostgres` does it). */
export function registerPostgresClient(db: Db, client: postgres.Sql): void {
  servers.set(db, client);
}

/**
 * Runs the statements, in order, as one transaction; resolves with each one's rows, or rejects with the first
 * failure (nothing of the transaction then stays). On a PostgreSQL server the whole transaction is one round trip:
 * BEGIN, the statements and COMMIT are written at once on a connection of the pool reserved for it (pipelined:
 * the server runs each in turn, and a COMMIT after a failed statement only rolls back). Elsewhere (PGlite, or a
 * `db` that is already a transaction) it is a Drizzle transaction with the statements sent together.
 *
 * For the hot writes (the signal outbox, the outcome outbox): each round trip costs both processes a socket write
 * and a wake-up, which on a small machine is most of what storing a small batch costs.
 */
export async function oneTripTransaction(db: Db, statements: readonly SQL[]): Promise<unknown[][]> {
  const client = servers.get(db);
  if (client === undefined) {
    return db.transaction(async (tx) =>
      (await Promise.all(statements.map((statement) => tx.execute(statement)))).map((result) => rowsOf(result)),
    );
  }
  const reserved = await client.reserve();
  const rendered = statements.map((statement) => dialect.sqlToQuery(statement));
  const queries = rendered.map(({ sql, params }) =>
    reserved.unsafe(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true }),
  );
  const [begun, ...rest] = await Promise.allSettled([reserved`begin`, ...queries, reserved`commit`]);
  const committed = rest.pop() as PromiseSettledResult<postgres.RowList<postgres.Row[]>>;
  // A connection that closed went back to the pool by itself (postgres.js reconnects it when next used); releasing
  // it again would hand out a connection without a socket. One that answered COMMIT, or failed with a server error,
  // is open and idle.
  if (committed.status === 'fulfilled' || isServerError(committed.reason)) reserved.release();
  const failed = [begun, ...rest, committed].findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    const cause = ([begun, ...rest, committed][failed] as PromiseRejectedResult).reason;
    // As Drizzle reports a failed query (the server's error as `cause`), whichever driver ran it.
    const query = rendered[failed - 1] ?? { sql: failed === 0 ? 'begin' : 'commit', params: [] };
    throw new DrizzleQueryError(query.sql, query.params, cause);
  }
  return rest.map((result) => [...(result as PromiseFulfilledResult<postgres.RowList<postgres.Row[]>>).value]);
}

function isServerError(error: unknown): boolean {
  return error instanceof Error && error.name === 'PostgresError';
}
