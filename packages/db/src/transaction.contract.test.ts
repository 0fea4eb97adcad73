import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from './client.ts';
import { strategies } from './schema/strategies.ts';
import { DATABASE_ADAPTERS, useTestDatabase } from './test-database.ts';
import { pipelinedTransaction } from './transaction.ts';

describe.each(DATABASE_ADAPTERS)('pipelinedTransaction on $name', (adapter) => {
  const test = useTestDatabase(adapter);

  it.runIf(adapter.enabled)('runs the statements in order in one transaction and answers each one’s rows', async () => {
    const { db } = test.database;
    await db.execute(sql`create table trip_rows (n int primary key)`);
    const [inserted, counted] = await pipelinedTransaction(db, [
      sql`insert into trip_rows select generate_series(1, ${3}::int) returning n`,
      // Sees the rows the statement before it inserted: same transaction, in order.
      sql`select count(*)::int as rows, txid_current() = txid_current() as same from trip_rows`,
    ]);
    expect(inserted).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(counted).toEqual([{ rows: 3, same: true }]);
  });

  it.runIf(adapter.enabled)(
    'keeps nothing of a transaction whose later statement fails, rejects with the server’s error as Drizzle reports it, and leaves every connection usable',
    async () => {
      const { db } = test.database;
      await db.execute(sql`create table trip_all_or_nothing (n int primary key)`);
      const failing = pipelinedTransaction(db, [
        sql`insert into trip_all_or_nothing values (${1}::int)`,
        sql`insert into trip_all_or_nothing values (${1}::int)`,
      ]);
      await expect(failing).rejects.toMatchObject({ cause: { code: '23505' } });
      const count = async () =>
        rowsOf<{ rows: number }>(await db.execute(sql`select count(*)::int as rows from trip_all_or_nothing`))[0]?.rows;
      expect(await count()).toBe(0);
      // More transactions than the pool has connections, each after a failed one: none is left inside an aborted
      // transaction ("current transaction is aborted") nor handed out twice.
      for (let n = 0; n < 25; n++) {
        // The second statement fails after the first one inserted n: by dividing by zero, or by inserting n again.
        const second = n % 2 === 0 ? sql`select 1 / 0` : sql`insert into trip_all_or_nothing values (${n}::int)`;
        await expect(
          pipelinedTransaction(db, [sql`insert into trip_all_or_nothing values (${n}::int)`, second]),
        ).rejects.toMatchObject({ cause: { code: n % 2 === 0 ? '22012' : '23505' } });
      }
      await Promise.all(Array.from({ length: 20 }, (_, n) => pipelinedTransaction(db, [sql`select ${n}::int as n`])));
      expect(await count()).toBe(0);
    },
  );

  it.runIf(adapter.enabled)(
    'works on a database given as a transaction (nested, as Drizzle transactions are)',
    async () => {
      const { db } = test.database;
      const id = await test.strategyRow('trip');
      await db.transaction(async (tx) => {
        const [renamed] = await pipelinedTransaction(tx, [
          sql`update strategies set name = ${'renamed in trip'} where id = ${id} returning name`,
        ]);
        expect(renamed).toEqual([{ name: 'renamed in trip' }]);
      });
      const [row] = await db.select({ name: strategies.name }).from(strategies).where(eq(strategies.id, id));
      expect(row?.name).toBe('renamed in trip');
    },
  );
});
