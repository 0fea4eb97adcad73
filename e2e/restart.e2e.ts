import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Candle, type Signal, TOPICS, toStandardOutcome } from '@alphintra/core';
import {
  DrizzleCandleStore,
  getOutcomes,
  listSignals,
  openDatabase,
  openOutcomeOf,
  readOutcomeOutbox,
  runningStrategySpecs,
} from '@alphintra/db';
import { followSignal } from '@alphintra/engine';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { createTestDatabase, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { consumeSignals } from './distribution.ts';
import { backtestOf, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const MAIN = fileURLToPath(new URL('../packages/platform/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The recorded trades as the test reads them itself: time, price and quantity of each, in file order. */
function recordedTrades(): { time: number; price: string; quantity: string; id: number }[] {
  return readFileSync(BUNDLED_TRADES, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { T: number; p: string; q: string; t: number })
    .map((t) => ({ time: t.T, price: t.p, quantity: t.q, id: t.t }));
}

/**
 * The 1m candles of the recorded trades, computed here without the platform's aggregator: trades grouped by
 * minute; a minute without trades between two with trades is flat at the previous close with volume 0.
 */
function independentMinutes() {
  const trades = recordedTrades();
  const byMinute = new Map<number, typeof trades>();
  for (const trade of trades) {
    const minute = trade.time - (trade.time % 60_000);
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), trade]);
  }
  const minutes = [...byMinute.keys()].sort((a, b) => a - b);
  const first = minutes[0] as number;
  const last = minutes.at(-1) as number;
  const result: { openTime: number; open: string; high: string; low: string; close: string; trades: number }[] = [];
  let previousClose = '';
  for (let minute = first; minute <= last; minute += 60_000) {
    const group = byMinute.get(minute);
    if (group === undefined) {
      result.push({
        openTime: minute,
        open: previousClose,
        high: previousClose,
        low: previousClose,
        close: previousClose,
        trades: 0,
      });
      continue;
    }
    const prices = group.map((t) => Number(t.price));
    const ordered = [...group].sort((a, b) => a.time - b.time || a.id - b.id);
    const high = group[prices.indexOf(Math.max(...prices))] as (typeof trades)[number];
    const low = group[prices.indexOf(Math.min(...prices))] as (typeof trades)[number];
    previousClose = (ordered.at(-1) as (typeof trades)[number]).price;
    result.push({
      openTime: minute,
      open: (ordered[0] as (typeof trades)[number]).price,
      high: high.price,
      low: low.price,
      close: previousClose,
      trades: group.length,
    });
  }
  return result;
}

function withoutLatency({ latencyMs: _latency, ...signal }: Signal) {
  return signal;
}

describe.skipIf(databaseUrl === undefined)('a platform killed mid-run and started again on the same database', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('stores every candle once and gives the signals a backtest over the stored candles gives', async () => {
    if (databaseUrl === undefined) throw new Error('unreachable: the suite is skipped');
    const database = await createTestDatabase(databaseUrl);
    cleanup.push(database.drop);
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    cleanup.push(() => sql.end());
    const suffix = uniqueSuffix();
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: '',
      KAFKA_BROKERS: kafkaBrokers ?? '',
      CONSUMER_GROUP_PREFIX: `e2e-restart-${suffix}`,
      MARKET_DATA: `replay:${BUNDLED_TRADES}`,
      // 2.5 days of trades in about 12 s: time enough to kill the process in the middle.
      REPLAY_SPEED: '18000',
      REPLAY_LOOP: 'false',
      PORT: '0',
    };
    const output: string[] = [];
    const launch = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: 'pipe' });
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      cleanup.push(async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      return child;
    };
    const count = async (table: 'candles' | 'signals' | 'unhanded' | 'closed') => {
      const queries = {
        candles: `select count(*)::int as n from candles where interval = '1m'`,
        signals: 'select count(*)::int as n from signals',
        // Signals not yet handed to the outcome service (after its cursor on the outbox).
        unhanded: `select count(*)::int as n from signals where seq > coalesce(
          (select last_seq from delivery_cursors where channel = 'outcomes'), 0)`,
        closed: `select count(*)::int as n from signal_outcomes where status <> 'OPEN'`,
      };
      try {
        const [row] = await sql.unsafe(queries[table]);
        return (row?.['n'] as number | undefined) ?? 0;
      } catch {
        return 0; // the tables do not exist before the first start has migrated
      }
    };
    const expectedMinutes = independentMinutes();
    // A consumer of the closed outcomes across the kill (the topic is shared: filtered by signal id at the end).
    const outcomeReader =
      kafkaBrokers === undefined
        ? null
        : await consumeSignals(kafkaBrokers, `e2e-restart-${suffix}-outcomes`, null, TOPICS.signalOutcomes);
    if (outcomeReader !== null) cleanup.push(outcomeReader.stop);

    const first = launch();
    await waitFor(
      'half of the candles and some signals',
      async () => (await count('candles')) >= 1_800 && (await count('signals')) > 0,
      120_000,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await count('candles');
    expect(atKill).toBeLessThan(expectedMinutes.length);

    const second = launch();
    await waitFor(
      'every candle after the restart',
      async () => (await count('candles')) >= expectedMinutes.length,
      120_000,
    );
    // The last candles' signals are distributed just after they are stored.
    let settled = -1;
    await waitFor('the signals to settle', async () => {
      const now = await count('signals');
      const done = now === settled;
      settled = now;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return done;
    });
    // Every signal followed, and the outcomes the last candles close stored.
    await waitFor('every signal handed to the outcome service', async () => (await count('unhanded')) === 0);
    settled = -1;
    await waitFor('the outcomes to settle', async () => {
      const now = await count('closed');
      const done = now === settled;
      settled = now;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return done;
    });
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));

    const opened = await openDatabase({ url: database.url });
    cleanup.push(() => opened.close());
    const store = new DrizzleCandleStore(opened.db);
    const minutes = await store.query({ symbol: 'XRPETH', interval: '1m' });
    // The independent check: the stored minutes are the recorded trades', each exactly once, across the kill.
    expect(
      minutes.map((c: Candle) => ({
        openTime: c.openTime,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        trades: c.trades,
      })),
    ).toEqual(expectedMinutes);

    // Parity: the signals of the interrupted run are those of one uninterrupted backtest over the same candles.
    const specs = await runningStrategySpecs(opened.db);
    expect(specs.length).toBeGreaterThan(0);
    const expected = await backtestOf(opened.db, specs, minutes);
    expect(expected.length).toBeGreaterThan(10);
    const stored: Signal[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listSignals(opened.db, { first: 100, ...(after ? { after } : {}) });
      stored.push(...page.items.map((item) => item.node));
      if (!page.hasNextPage) break;
      after = page.items.at(-1)?.cursor;
    }
    const byTime = (a: Signal, b: Signal) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1);
    expect(stored.sort(byTime).map(withoutLatency), output.join('').slice(-2_000)).toEqual(
      expected.sort(byTime).map(withoutLatency),
    );

    // Outcomes too, across the kill: each is what followSignal gives on the stored candles.
    const outcomes = await getOutcomes(
      opened.db,
      stored.map((s) => s.id),
    );
    const statuses = new Set<string>();
    for (const [i, signal] of stored.entries()) {
      // A signal without an outcome row is OPEN (what the API shows).
      const { exitPriceDecimal: _text, ...outcome } = outcomes[i] ?? {
        ...openOutcomeOf(signal),
        exitPriceDecimal: null,
      };
      const want = followSignal(signal, minutes);
      statuses.add(want.status);
      expect(outcome).toEqual(want);
    }
    expect(statuses.size).toBeGreaterThan(1);

    // Every closed outcome reached Kafka at least once (a crash may repeat one, never lose one), as stored.
    if (outcomeReader !== null) {
      const closed = await readOutcomeOutbox(opened.db, { afterSeq: 0, limit: 1_000_000 });
      const ours = () => outcomeReader.records.filter((r) => closed.some((o) => o.signalId === r.id));
      await waitFor('every closed outcome on Kafka', () => new Set(ours().map((r) => r.id)).size >= closed.length);
      const byId = new Map(closed.map((o) => [o.signalId, o]));
      for (const record of ours()) {
        const stored = byId.get(record.id);
        expect(stored).toBeDefined();
        if (stored !== undefined) expect(JSON.parse(record.raw)).toEqual(toStandardOutcome(stored));
      }
      expect(new Set(ours().map((r) => r.id))).toEqual(new Set(byId.keys()));
    }
  });
});
