import { createTestDatabase, serviceUrl, TcpProxy } from '@alphintra/testkit';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from './client.ts';
import { openPostgres } from './postgres.ts';
import { strategies } from './schema/strategies.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

/** The test server has TLS off (`show ssl` = off), so `sslmode` is observable by whether TLS is insisted on. */
describe.skipIf(!postgresUrl)('openPostgres: sslmode in DATABASE_URL', () => {
  let url = '';
  let drop = async () => {};
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase(postgresUrl as string));
  });
  afterAll(() => drop());

  const withSslMode = (mode: string) => {
    const withMode = new URL(url);
    withMode.searchParams.set('sslmode', mode);
    return withMode.toString();
  };

  it('insists on TLS with sslmode=require: a server without it is refused, not used in clear', async () => {
    const sql = await import('postgres').then(({ default: postgres }) => postgres(url, { max: 1 }));
    expect((await sql`show ssl`)[0]?.['ssl']).toBe('off');
    await sql.end();
    // The first connection (the migration lock's) fails: the TLS handshake the server, without TLS, never completes.
    const error = await openPostgres(withSslMode('require')).then(
      () => null,
      (failure: Error) => failure,
    );
    expect(String(error?.message)).toMatch(/secure TLS connection/);
  });

  it('connects in clear with sslmode=disable and with prefer when the server has no TLS', async () => {
    for (const mode of ['disable', 'prefer']) {
      const database = await openPostgres(withSslMode(mode));
      await database.close();
    }
  });
});

describe.skipIf(!postgresUrl)('openPostgres: prepared statements', () => {
  let url = '';
  let drop = async () => {};
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase(postgresUrl as string));
  });
  afterAll(() => drop());

  it('prepares a Drizzle query with parameters once per connection and runs it again by name', async () => {
    const database = await openPostgres(url);
    try {
      const { db } = database;
      // A transaction holds one connection, whose prepared statements `pg_prepared_statements` lists.
      const prepared = await db.transaction(async (tx) => {
        for (const name of ['first', 'second', 'third']) {
          await tx.select({ id: strategies.id }).from(strategies).where(eq(strategies.name, name));
        }
        return rowsOf<{ statement: string }>(
          await tx.execute(sql`select statement from pg_prepared_statements where statement like ${'%"strategies"%'}`),
        );
      });
      expect(prepared).toHaveLength(1);
      expect(prepared[0]?.statement).toMatch(/^select "id" from "strategies" where "strategies"\."name" = \$1$/);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!postgresUrl)('openPostgres: a connection that closes inside a transaction', () => {
  let url = '';
  let drop = async () => {};
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase(postgresUrl as string));
  });
  afterAll(() => drop());

  // postgres.js answers a failed transaction with a ROLLBACK on the same connection. Unpatched, that write is
  // scheduled for the next turn of the event loop on a connection whose socket is gone, and throws there, out of
  // every caller's reach: the process dies (porsager/postgres#1208).
  it('fails the transaction with CONNECTION_CLOSED, throws nothing outside it, and the next query reconnects', async () => {
    const target = new URL(url);
    // Ends the client's connection right after forwarding the query: the reply never comes, the connection closes.
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432), {
      cutAfter: (chunk) => chunk.includes('pg_sleep'),
    });
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const database = await openPostgres(through.toString());
    try {
      const failure = await database.db
        .transaction((tx) => tx.execute(sql`select pg_sleep(5)`))
        .then(
          () => null,
          (error: Error & { code?: string }) => error,
        );
      expect(proxy.cuts).toBe(1);
      expect(failure?.code).toBe('CONNECTION_CLOSED');
      // The ROLLBACK's write would have run within these turns.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
      const rows = rowsOf<{ one: number }>(await database.db.execute(sql`select 1 as one`));
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', record);
      await database.close();
      await proxy.close();
    }
  });
});
