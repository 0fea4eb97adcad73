import { performance } from 'node:perf_hooks';
import { DrizzleCandleStore, openDatabase } from '@alphintra/db';
import { createTestDatabase } from '@alphintra/testkit';
import { percentile, seededRandom as random } from './measure.ts';

/** Options of `runCandleStoreBench`. */
export interface CandleStoreBenchOptions {
  /** A PostgreSQL server; a fresh database is created on it and dropped at the end. */
  readonly databaseUrl: string;
  /** 1m candles seeded, spread over up to 1,000 symbols (default 10,000,000). */
  readonly rows?: number;
}

/** What `runCandleStoreBench` measured. */
export interface CandleStoreBenchResult {
  readonly rows: number;
  /** The one `insert ... select` of the seed plus `vacuum analyze`. */
  readonly seedSeconds: number;
  /** `query({ symbol, interval: '1m', last: 500 })` on a random symbol, wall clock including decoding. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly queries: number;
}

const SYMBOLS = 1_000;
const QUERIES = 1_000;
const WARM_UP = 100;
const LAST = 500;

const symbolName = (i: number) => `S${String(i).padStart(4, '0')}USDT`;

/**
 * Reading the newest 500 candles of a series out of a large candle table: seeds `rows` 1m candles on a fresh
 * PostgreSQL database with one `insert ... select from generate_series`, then times `DrizzleCandleStore.query`
 * with `last: 500` on random symbols (a backward scan of the primary key).
 */
export async function runCandleStoreBench(options: CandleStoreBenchOptions): Promise<CandleStoreBenchResult> {
  const rows = options.rows ?? 10_000_000;
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const perSymbol = Math.ceil(rows / Math.min(SYMBOLS, rows));
  const symbols = Math.ceil(rows / perSymbol);
  /** Candles of symbol k: the last symbol may have fewer. */
  const expected = (k: number) => Math.min(LAST, perSymbol, rows - k * perSymbol);
  const created = await createTestDatabase(options.databaseUrl);
  try {
    const database = await openDatabase({ url: created.url });
    try {
      const { db } = database;
      const seedStart = performance.now();
      // Row i is minute (i % perSymbol) of symbol (i / perSymbol): generated in primary-key order, so the index
      // is built by appending.
      await db.execute(`
        insert into candles (symbol, interval, open_time, close_time, open, high, low, close, volume, trades,
                             source, complete, last_trade_time)
        select 'S' || lpad((i / ${perSymbol})::text, 4, '0') || 'USDT', '1m', t, t + interval '1 minute',
               p, p + 0.00000002, p - 0.00000001, p + 0.00000001, (i % 997)::numeric / 8, (i % 50)::int,
               'binance', true, t + interval '59.999 seconds'
        from generate_series(0::bigint, ${rows - 1}::bigint) as i,
             lateral (select timestamptz '2020-01-01 00:00:00+00' + (i % ${perSymbol}) * interval '1 minute' as t,
                             (100 + (i / ${perSymbol}) + (i % ${perSymbol}) * 0.00000001)::numeric as p) as v
      `);
      await db.execute(`vacuum analyze candles`);
      const seedSeconds = (performance.now() - seedStart) / 1_000;

      const store = new DrizzleCandleStore(db);
      const next = random(6);
      const pick = () => Math.floor(next() * symbols);
      for (let i = 0; i < WARM_UP; i++) await store.query({ symbol: symbolName(pick()), interval: '1m', last: LAST });
      const times: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const k = pick();
        const start = performance.now();
        const candles = await store.query({ symbol: symbolName(k), interval: '1m', last: LAST });
        times.push(performance.now() - start);
        if (candles.length !== expected(k)) {
          throw new Error(`${symbolName(k)}: expected ${expected(k)} candles, got ${candles.length}`);
        }
      }
      times.sort((a, b) => a - b);
      return { rows, seedSeconds, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), queries: QUERIES };
    } finally {
      await database.close();
    }
  } finally {
    await created.drop();
  }
}
