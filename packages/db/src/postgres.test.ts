import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
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
