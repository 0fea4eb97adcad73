import type { SQL } from 'drizzle-orm';
import { type Db, rowsOf } from './client.ts';

/**
 * Runs the statements, in order, as one transaction, and resolves with each one's rows; a failure rolls it all
 * back and rejects. The statements are sent together rather than each after the previous one's reply: on a
 * PostgreSQL server postgres.js pipelines them on the transaction's connection (BEGIN, then the statements in one
 * write, then COMMIT), and the server runs them in turn, a statement after a failed one failing too. For the hot
 * writes (the signal outbox, the outcome outbox), where each round trip costs both processes a socket write and a
 * wake-up: three round trips instead of four. PGlite runs them one after the other.
 */
export async function pipelinedTransaction(db: Db, statements: readonly SQL[]): Promise<unknown[][]> {
  return db.transaction(async (tx) =>
    (await Promise.all(statements.map((statement) => tx.execute(statement)))).map((result) => rowsOf(result)),
  );
}
