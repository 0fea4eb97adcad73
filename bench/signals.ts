import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { encodeCursor, listSignals, openDatabase, type SignalFilter } from '@alphintra/db';
import { createTestDatabase } from '@alphintra/testkit';
import { percentile, seededRandom as random } from './measure.ts';

/** Options of `runSignalHistoryBench`. */
export interface SignalHistoryBenchOptions {
  /** A PostgreSQL server; a fresh database is created on it and dropped at the end. */
  readonly databaseUrl: string;
  /** Signals seeded (default 10,000,000), 1 in 20 of them shadow. */
  readonly rows?: number;
}

/** The kinds of page timed: the first page or one deep in the history, unfiltered or by one symbol or strategy. */
export const PAGE_KINDS = ['first', 'first-symbol', 'first-strategy', 'deep', 'deep-symbol', 'deep-strategy'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** What `runSignalHistoryBench` measured. */
export interface SignalHistoryBenchResult {
  readonly rows: number;
  /** The one `insert ... select` of the seed plus `vacuum analyze`. */
  readonly seedSeconds: number;
  /** `listSignals` with `first: 20`, wall clock including decoding, over every kind of page. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly queries: number;
  readonly byKind: Readonly<
    Record<PageKind, { readonly queries: number; readonly p50Ms: number; readonly p99Ms: number }>
  >;
}

const STRATEGIES = 100;
const SYMBOLS = 200;
/** Signals per minute of market time: ties on the timestamp are common, so the id tiebreak is exercised. */
const PER_MINUTE = 10;
const QUERIES = 1_000;
const WARM_UP = 100;
const PAGE = 20;

/**
 * Paging signal history out of a large signal table: seeds `rows` signals of 100 strategies on 200 symbols on a
 * fresh PostgreSQL database with one `insert ... select from generate_series` (the strategy rows first, for the
 * foreign key), then times 1,000 random `listSignals` pages: first pages and pages deep in the history (after a
 * cursor taken from a random stored signal, exactly what `endCursor` would be there), unfiltered and filtered by
 * one symbol or one strategy.
 */
export async function runSignalHistoryBench(options: SignalHistoryBenchOptions): Promise<SignalHistoryBenchResult> {
  const rows = options.rows ?? 10_000_000;
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const created = await createTestDatabase(options.databaseUrl);
  try {
    const database = await openDatabase({ url: created.url });
    try {
      const { db } = database;
      const seedStart = performance.now();
      await db.execute(
        `insert into strategies (name, status) select 'bench-' || g, 'ACTIVE' from generate_series(1, ${STRATEGIES}) g`,
      );
      // Row i: strategy i % 100, symbol i % 200, minute i / 10; ids are name-like UUIDs from md5, so their order is
      // unrelated to time, as real ids are. Generated in time order, as the engine writes them (seq follows).
      await db.execute(`
        insert into signals (id, timestamp, strategy_id, strategy_name, strategy_version, strategy_source, symbol,
                             action, confidence, quantity, price_target, stop_loss, take_profit, risk_score,
                             market_conditions, volatility, volume_profile, order_type, time_in_force, max_slippage,
                             market_data_timestamp, latency_ms, explanation, expires_at, shadow)
        select md5(i::text)::uuid, t, s.ids[1 + (i % ${STRATEGIES})], 'bench', 1, 'NO_CODE',
               'S' || lpad((i % ${SYMBOLS})::text, 3, '0') || 'USDT',
               (case when i % 3 = 0 then 'SELL' else 'BUY' end)::signal_action, (i % 1000) / 1000.0, null,
               0.00141342, 0.00141156, 0.00142003, (i % 100) / 100.0, 'RANGING', 0.0012, 'NORMAL', 'LIMIT', 'GTC',
               0.0003, t - interval '1 second', 1.5,
               '{"rule":"bench","indicators":[{"name":"fast","value":0.00141421}]}'::jsonb,
               t + interval '15 minutes', (i / 7) % 20 = 0
        from (select array_agg(id order by name) as ids from strategies) as s,
             generate_series(0::bigint, ${rows - 1}::bigint) as i,
             lateral (select timestamptz '2020-01-01 00:00:00+00' + (i / ${PER_MINUTE}) * interval '1 minute' as t) v
      `);
      await db.execute(`vacuum analyze signals`);
      const seedSeconds = (performance.now() - seedStart) / 1_000;

      const strategyIds = (
        (await db.execute(`select id from strategies order by name`)) as unknown as { id: string }[]
      ).map((row) => row.id);
      const next = random(8);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      /** A real cursor: the position of a random stored signal (as `endCursor` is the last row of a page). */
      const randomRow = async () => {
        const i = Math.floor(next() * rows);
        const [row] = (await db.execute(
          `select id, (extract(epoch from timestamp) * 1000)::bigint as ms, symbol, strategy_id
           from signals where id = md5('${i}')::uuid`,
        )) as unknown as { id: string; ms: string | number; symbol: string; strategy_id: string }[];
        if (!row) throw new Error(`seeded signal ${i} not found`);
        return { cursor: encodeCursor([Number(row.ms), row.id]), symbol: row.symbol, strategyId: row.strategy_id };
      };
      const symbolOf = (k: number) => `S${String(k).padStart(3, '0')}USDT`;
      const page = async (kind: PageKind): Promise<{ filter: SignalFilter; after: string | null }> => {
        if (kind === 'first') return { filter: {}, after: null };
        if (kind === 'first-symbol')
          return { filter: { symbols: [symbolOf(Math.floor(next() * SYMBOLS))] }, after: null };
        if (kind === 'first-strategy') return { filter: { strategyIds: [pick(strategyIds)] }, after: null };
        const row = await randomRow();
        if (kind === 'deep') return { filter: {}, after: row.cursor };
        if (kind === 'deep-symbol') return { filter: { symbols: [row.symbol] }, after: row.cursor };
        return { filter: { strategyIds: [row.strategyId] }, after: row.cursor };
      };

      for (let i = 0; i < WARM_UP; i++) await listSignals(db, { first: PAGE, ...(await page(pick(PAGE_KINDS))) });
      const times: number[] = [];
      const byKind = new Map<PageKind, number[]>(PAGE_KINDS.map((kind) => [kind, []]));
      for (let i = 0; i < QUERIES; i++) {
        const kind = PAGE_KINDS[i % PAGE_KINDS.length] as PageKind;
        const args = await page(kind);
        const start = performance.now();
        const result = await listSignals(db, { first: PAGE, ...args });
        const elapsed = performance.now() - start;
        times.push(elapsed);
        byKind.get(kind)?.push(elapsed);
        // Every seeded position has far more than a page of older signals, except the very oldest few.
        if (result.items.length === 0 && args.after === null) throw new Error(`${kind}: an empty first page`);
      }
      times.sort((a, b) => a - b);
      const kinds = Object.fromEntries(
        [...byKind].map(([kind, list]) => {
          list.sort((a, b) => a - b);
          return [kind, { queries: list.length, p50Ms: percentile(list, 50), p99Ms: percentile(list, 99) }];
        }),
      ) as SignalHistoryBenchResult['byKind'];
      return {
        rows,
        seedSeconds,
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
        queries: QUERIES,
        byKind: kinds,
      };
    } finally {
      await database.close();
    }
  } finally {
    await created.drop();
  }
}

// `tsx bench/signals.ts [rows]` with DATABASE_URL set: prints the figures and writes bench/results/signals.json.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('set DATABASE_URL to a PostgreSQL server');
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await runSignalHistoryBench({ databaseUrl, ...(rows === undefined ? {} : { rows }) });
  console.table(
    Object.entries(result.byKind).map(([kind, figures]) => ({
      page: kind,
      queries: figures.queries,
      p50Ms: figures.p50Ms.toFixed(2),
      p99Ms: figures.p99Ms.toFixed(2),
    })),
  );
  console.log(
    `${result.rows} signals seeded in ${result.seedSeconds.toFixed(1)} s; ${result.queries} pages: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`,
  );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/signals.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}
