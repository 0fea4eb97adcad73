import { createTestDatabase, serviceUrl, TcpProxy } from '@alphintra/testkit';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from './client.ts';
import { openPostgres } from './postgres.ts';
import { strategies } from './schema/strategies.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

/** A database of its own for the tests of one `describe`, dropped after them. */
function useTestDatabase(): { readonly url: string } {
  const database = { url: '' };
  let drop = async () => {};
  beforeAll(async () => {
    ({ url: database.url, drop } = await createTestDatabase(postgresUrl as string));
  });
  afterAll(() => drop());
  return database;
}

/** The test server has TLS off (`show ssl` = off), so `sslmode` is observable by whether TLS is insisted on. */
describe.skipIf(!postgresUrl)('openPostgres: sslmode in DATABASE_URL', () => {
  const fresh = useTestDatabase();

  const withSslMode = (mode: string) => {
    const withMode = new URL(fresh.url);
    withMode.searchParams.set('sslmode', mode);
    return withMode.toString();
  };

  it('insists on TLS with sslmode=require: a server without it is refused, not used in clear', async () => {
    const sql = await import('postgres').then(({ default: postgres }) => postgres(fresh.url, { max: 1 }));
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
  const fresh = useTestDatabase();

  it('prepares a Drizzle query with parameters once per connection and runs it again by name', async () => {
    const database = await openPostgres(fresh.url);
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

/**
 * A proxy in front of the database's server that ends the client's connection right after forwarding a query
 * with `pg_sleep`: the reply never comes, the connection closes. With the database's URL through it.
 */
async function cutAtSleep(url: string): Promise<{ proxy: TcpProxy; through: string }> {
  const target = new URL(url);
  const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432), {
    cutAfter: (chunk) => chunk.includes('pg_sleep'),
  });
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return { proxy, through: through.toString() };
}

describe.skipIf(!postgresUrl)('openPostgres: a connection that closes inside a transaction', () => {
  const fresh = useTestDatabase();

  // postgres.js answers a failed transaction with a ROLLBACK on the same connection. Unpatched, that write is
  // scheduled for the next turn of the event loop on a connection whose socket is gone, and throws there, out of
  // every caller's reach: the process dies (porsager/postgres#1208).
  it('fails the transaction with CONNECTION_CLOSED, throws nothing outside it, and the next query reconnects', async () => {
    const { proxy, through } = await cutAtSleep(fresh.url);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const database = await openPostgres(through);
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

describe.skipIf(!postgresUrl)('openPostgres: closing after a connection was cut mid-query', () => {
  const fresh = useTestDatabase();

  // Unpatched, postgres.js keeps the failed query as the closed connection's query in flight, and `end()` waits
  // for it until its timeout (5 s in `close`): every shutdown after a database outage took that long.
  it('ends at once instead of waiting its timeout for the query that failed', async () => {
    const { proxy, through } = await cutAtSleep(fresh.url);
    try {
      const database = await openPostgres(through);
      const failure = await database.db.execute(sql`select pg_sleep(30)`).then(
        () => null,
        (error: Error) => error,
      );
      expect(proxy.cuts).toBe(1);
      // Drizzle wraps the driver's error outside a transaction.
      expect(failure?.cause).toMatchObject({ code: 'CONNECTION_CLOSED' });
      const closing = database.close().then(() => 'closed');
      // `close` gives the connections 5 s to finish: resolving well before that means it did not wait for them.
      const waiting = new Promise((resolve) => setTimeout(resolve, 2_500, 'still waiting')).then(String);
      expect(await Promise.race([closing, waiting])).toBe('closed');
    } finally {
      await proxy.close();
    }
  });
});

describe.skipIf(!postgresUrl)('openPostgres: a connection that closes while it starts up', () => {
  const fresh = useTestDatabase();

  /** The query postgres.js runs first on every new connection, before any of ours: the array types. */
  const isArrayTypesQuery = (chunk: Buffer) => chunk.includes('pg_catalog.pg_type');

  const through = (proxy: TcpProxy) => {
    const proxied = new URL(fresh.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    return proxied.toString();
  };

  /** Records the unhandled rejections raised while `run` runs and for a moment after it. */
  async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      await run();
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('unhandledRejection', record);
    }
    return unhandled;
  }

  // Unpatched, postgres.js drops the promise of its array-types query (porsager/postgres#1192). When the
  // connection closes during that query and the server then refuses the reconnection, the query fails with the
  // refusal, and the rejection reaches nobody: it surfaces as an unhandled rejection.
  it('fails with the refusal when the server goes away during the array types, and rejects nothing unhandled', async () => {
    const target = new URL(fresh.url);
    let proxy: TcpProxy | undefined;
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432), {
      cutAfter: (chunk) => {
        if (!isArrayTypesQuery(chunk) || proxy?.cuts !== 0) return false;
        void proxy.cut(); // the port refuses the reconnection
        return true;
      },
    });
    try {
      let failure: (Error & { code?: string }) | null = null;
      const unhandled = await unhandledDuring(async () => {
        failure = await openPostgres(through(proxy)).then(
          async (database) => {
            await database.close();
            return null;
          },
          (error: Error & { code?: string }) => error,
        );
      });
      expect(proxy.cuts).toBe(1);
      expect(failure).toMatchObject({ code: 'ECONNREFUSED' });
      expect(unhandled).toEqual([]);

      await proxy.restore();
      const database = await openPostgres(through(proxy));
      try {
        expect(rowsOf(await database.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
      } finally {
        await database.close();
      }
    } finally {
      await proxy.close();
    }
  });

  // What a server sends a backend it terminates (pg_terminate_backend, a restart): a FATAL ErrorResponse with
  // SQLSTATE 57P01, then it closes the connection. Unpatched, postgres.js reconnects with the array-types query
  // still in flight and carries its error onto the new connection (porsager/postgres#1223).
  it('reconnects and runs the first query when the server terminates the connection during the array types', async () => {
    const target = new URL(fresh.url);
    let terminated = 0;
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432), {
      relay: (client, upstream) => {
        upstream.pipe(client);
        client.on('data', (chunk: Buffer) => {
          if (terminated === 0 && isArrayTypesQuery(chunk)) {
            terminated += 1;
            upstream.unpipe(client);
            upstream.destroy();
            client.end(fatalErrorResponse('57P01', 'terminating connection due to administrator command'));
            return;
          }
          upstream.write(chunk);
        });
      },
    });
    try {
      const unhandled = await unhandledDuring(async () => {
        const database = await openPostgres(through(proxy));
        try {
          expect(rowsOf(await database.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
        } finally {
          await database.close();
        }
      });
      expect(terminated).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

/** A backend message ErrorResponse ('E') of severity FATAL (PostgreSQL's protocol, "Message Formats"). */
function fatalErrorResponse(code: string, message: string): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', code],
    ['M', message],
  ];
  const body = Buffer.concat([...fields.map(([type, value]) => Buffer.from(`${type}${value}\0`)), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
