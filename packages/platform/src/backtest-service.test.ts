import { createMemoryPubSub } from '@alphintra/bus';
import {
  type BacktestProgressMessage,
  backtestChannel,
  type Candle,
  INTERVALS,
  type Signal,
  type StrategySpec,
  signalId,
} from '@alphintra/core';
import {
  BacktestLimitError,
  type BacktestRecord,
  cancelBacktest,
  claimBacktest,
  createBacktest,
  createStrategy,
  type Database,
  DrizzleCandleStore,
  getBacktests,
  listBacktestSignals,
  type NewBacktest,
  openDatabase,
} from '@alphintra/db';
import { backtest, templateById } from '@alphintra/engine';
import { loadRecordedKlines } from '@alphintra/engine/fixtures';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABANDONED_ERROR, BacktestService } from './backtest-service.ts';
import { silentLog } from './log.ts';
import { loadModels, registerExampleModel } from './models.ts';

const SYMBOL = 'UNITTESTBTC';
const MINUTE = INTERVALS['1m'];

/**
 * What became of a signal, worked out here from the candles by the rules of docs/architecture.md ("Signal
 * outcomes"), without the engine's tracker: the first candle from the signal's time that reaches the stop (the
 * stop, or the open when it gapped through) or the target, else its expiry.
 */
function expectedOutcome(signal: Signal, candles: readonly Candle[]) {
  const buy = signal.action === 'BUY';
  const stop = Number(signal.stopLoss);
  const target = Number(signal.takeProfit);
  const entry = Number(signal.priceTarget);
  let last = entry;
  const closed = (status: string, exit: number) => ({ status, exitPrice: exit });
  for (const candle of candles) {
    if (candle.openTime < signal.timestamp) continue;
    if (candle.closeTime > signal.expiresAt) return closed('EXPIRED', last);
    const [open, high, low, close] = [candle.open, candle.high, candle.low, candle.close].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (buy ? low <= stop : high >= stop) return closed('STOP_LOSS', (buy ? open < stop : open > stop) ? open : stop);
    if (buy ? high >= target : low <= target) return closed('TAKE_PROFIT', target);
    last = close;
    if (candle.closeTime === signal.expiresAt) return closed('EXPIRED', close);
  }
  return { status: 'OPEN', exitPrice: null };
}

async function until<T>(what: string, read: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const postgresUrl = serviceUrl('DATABASE_URL');

describe.each([
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: postgresUrl !== undefined },
])('BacktestService on $name', ({ url, enabled }) => {
  let database: Database;
  let drop = async () => {};
  const candles = loadRecordedKlines();
  const pubsub = createMemoryPubSub();
  let spec: StrategySpec;
  let job: Omit<NewBacktest, 'owner'>;

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (url) {
      const created = await createTestDatabase(url);
      dbUrl = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url: dbUrl });
    await new DrizzleCandleStore(database.db).put(candles);
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy } = await createStrategy(database.db, {
      name: 'backtest runner test',
      source: 'NO_CODE',
      symbols: [SYMBOL],
      document,
    });
    spec = {
      id: strategy.id,
      name: strategy.name,
      version: strategy.version,
      source: 'NO_CODE',
      symbols: [SYMBOL],
      interval: '1m',
      document,
      status: 'ACTIVE',
      mode: 'LIVE',
      activatedAt: null,
    };
    job = {
      strategyId: spec.id,
      strategyVersion: spec.version,
      strategyName: spec.name,
      strategySource: 'NO_CODE',
      interval: '1m',
      document,
      symbols: [SYMBOL],
      from: new Date((candles[2000] as Candle).openTime),
      to: new Date((candles[10_000] as Candle).openTime),
      feeBps: 10,
      slippageBps: 5,
    };
  });

  afterAll(async () => {
    await database?.close();
    await drop();
  });

  function service(settings: ConstructorParameters<typeof BacktestService>[0]['settings'] = {}) {
    return new BacktestService({
      db: database.db,
      store: new DrizzleCandleStore(database.db),
      pubsub,
      log: silentLog,
      settings: { pollMs: 20, pageCandles: 1000, progressMs: 0, ...settings },
    });
  }

  it.runIf(enabled)(
    'runs a job in a worker thread: the engine signals of the range, each with its outcome, and the summary',
    async () => {
      const created = await createBacktest(database.db, { ...job, owner: 'alice' }, 3);
      const progress: BacktestProgressMessage[] = [];
      await pubsub.subscribe(backtestChannel(created.id), (m: BacktestProgressMessage) => progress.push(m), {});
      const runner = service();
      await runner.start();
      const done = await until('the job to succeed', async () => {
        const [row] = await getBacktests(database.db, [created.id]);
        return row?.status === 'SUCCEEDED' && row;
      });
      await runner.stop();

      // Expected: the live engine's pure backtest over every candle, with the version activated at `from`, kept
      // to the candles before `to`.
      const from = job.from.getTime();
      const to = job.to.getTime();
      const expected = (await backtest([{ ...spec, activatedAt: from }], candles)).filter((s) => s.timestamp <= to);
      expect(expected.length).toBeGreaterThan(10);
      const page = await listBacktestSignals(database.db, created.id, { first: 1000 });
      const stored = page.items.map((item) => item.node);
      expect(stored.map((s) => s.signal)).toEqual(expected);
      expect(done.signalCount).toBe(expected.length);
      // Ids by the published formula: sha256 of "strategy|version|symbol|close time", as a version-8 UUID.
      for (const signal of stored.slice(0, 3).map((s) => s.signal)) {
        expect(signal.id).toBe(signalId(spec.id, spec.version, SYMBOL, signal.timestamp));
      }
      for (const { signal, outcome } of stored) {
        expect({ status: outcome?.status, exitPrice: outcome?.exitPrice }).toEqual(expectedOutcome(signal, candles));
      }

      // The summary from the outcomes, worked out here: net return = return - 2 x (fee + slippage) / 100 percent.
      const net = stored
        .filter(({ outcome }) => outcome?.status !== 'OPEN')
        .sort((a, b) => Number(a.outcome?.closedAt) - Number(b.outcome?.closedAt))
        .map(({ outcome }) => Number(outcome?.returnPct) - (2 * (10 + 5)) / 100);
      const wins = net.filter((r) => r > 0).length;
      const compounded = (net.reduce((equity, r) => equity * (1 + r / 100), 1) - 1) * 100;
      expect(done.summary?.['trades']).toBe(net.length);
      expect(done.summary?.['winRate']).toBeCloseTo(wins / net.length, 12);
      expect(done.summary?.['totalReturnPct']).toBeCloseTo(compounded, 9);

      expect(done.candlesTotal).toBe((to - from) / MINUTE);
      expect(done.candlesDone).toBe(done.candlesTotal);
      expect(progress.at(-1)).toEqual({
        id: created.id,
        status: 'SUCCEEDED',
        candlesDone: done.candlesTotal,
        candlesTotal: done.candlesTotal,
      });
      const running = progress.filter((m) => m.status === 'RUNNING').map((m) => m.candlesDone);
      expect(running.length).toBeGreaterThan(2);
      expect(running).toEqual([...running].sort((a, b) => a - b));
    },
  );

  it.runIf(enabled)(
    'runs an AI_ML strategy in a worker thread with the model version its document pins, as the live engine does',
    async () => {
      await registerExampleModel(database.db);
      const document = templateById('model-example')?.document;
      if (document?.model === undefined) throw new Error('no model template');
      const { strategy } = await createStrategy(database.db, {
        name: 'model backtest test',
        source: 'AI_ML',
        symbols: [SYMBOL],
        document,
      });
      const modelSpec: StrategySpec = { ...spec, id: strategy.id, name: strategy.name, source: 'AI_ML', document };
      const modelJob = {
        ...job,
        strategyId: strategy.id,
        strategyName: strategy.name,
        strategySource: 'AI_ML' as const,
      };
      const run = async (owner: string, pinned: typeof document) => {
        const { id } = await createBacktest(database.db, { ...modelJob, document: pinned, owner }, 3);
        const runner = service();
        await runner.start();
        const done = await until('the job to end', async () => {
          const [row] = await getBacktests(database.db, [id]);
          return (row?.status === 'SUCCEEDED' || row?.status === 'FAILED') && row;
        });
        await runner.stop();
        return done;
      };

      const done = await run('ivan', document);
      expect(done.status).toBe('SUCCEEDED');
      // Expected: the live engine with the same model loaded from the database, activated at `from`.
      const from = job.from.getTime();
      const to = job.to.getTime();
      const live = { ...modelSpec, activatedAt: from };
      const models = await loadModels(database.db, [live]);
      const expected = (await backtest([live], candles, { models })).filter((s) => s.timestamp <= to);
      expect(expected.length).toBeGreaterThan(3);
      expect(expected.every((s) => s.strategySource === 'AI_ML')).toBe(true);
      const page = await listBacktestSignals(database.db, done.id, { first: 1000 });
      expect(page.items.map((item) => item.node.signal)).toEqual(expected);
      for (const model of models.values()) await model.release();

      // A pin whose checksum is not the stored version's: the job fails and says so.
      const checksum = `sha256:${'0'.repeat(64)}`;
      const failed = await run('ivan', { ...document, model: { ...document.model, checksum } });
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toContain(checksum);
    },
  );

  it.runIf(enabled)('gives the same result in the runner’s own thread when threads are off', async () => {
    // One job at a time, so that each runner takes only its own.
    const run = async (owner: string, threads: boolean) => {
      const { id } = await createBacktest(database.db, { ...job, owner }, 3);
      const runner = service({ threads });
      await runner.start();
      await until('the job to succeed', async () => (await getBacktests(database.db, [id]))[0]?.status === 'SUCCEEDED');
      await runner.stop();
      return id;
    };
    const threaded = { id: await run('gina', true) };
    const inline = { id: await run('hugo', false) };
    const [a, b] = await getBacktests(database.db, [threaded.id, inline.id]);
    expect(b?.summary).toEqual(a?.summary);
    const pageA = await listBacktestSignals(database.db, threaded.id, { first: 1000 });
    const pageB = await listBacktestSignals(database.db, inline.id, { first: 1000 });
    expect(pageB.items.map((i) => i.node)).toEqual(pageA.items.map((i) => i.node));
    expect(pageA.items.length).toBeGreaterThan(10);
  });

  it.runIf(enabled)('stops a cancelled job at its next page and keeps none of its signals', async () => {
    const created = await createBacktest(database.db, { ...job, owner: 'bob' }, 3);
    let cancelled: Promise<BacktestRecord | undefined> | null = null;
    await pubsub.subscribe(
      backtestChannel(created.id),
      (m: BacktestProgressMessage) => {
        if (m.status === 'RUNNING' && m.candlesDone > 0 && cancelled === null) {
          cancelled = cancelBacktest(database.db, created.id, new Date());
        }
      },
      {},
    );
    const runner = service({ pageCandles: 50 });
    await runner.start();
    await until('the cancel', async () => cancelled !== null && (await cancelled));
    await until('the runner to let the job go', async () => runner.running.length === 0);
    await runner.stop();
    const [row] = await getBacktests(database.db, [created.id]);
    expect(row?.status).toBe('CANCELLED');
    expect(row?.candlesDone).toBeLessThan(row?.candlesTotal ?? 0);
    expect((await listBacktestSignals(database.db, created.id, { first: 10 })).items).toEqual([]);
  });

  it.runIf(enabled)('fails a job left RUNNING by a process that died, once its lease ran out', async () => {
    const created = await createBacktest(database.db, { ...job, owner: 'carol' }, 3);
    // A runner took it, then its process died: the lease it took is past.
    const claimed = await claimBacktest(database.db, new Date(Date.now() - 60_000), new Date(Date.now() - 1));
    expect(claimed?.id).toBe(created.id);
    const runner = service();
    await runner.start();
    await runner.stop();
    const [row] = await getBacktests(database.db, [created.id]);
    expect(row).toMatchObject({ status: 'FAILED', error: ABANDONED_ERROR });
  });

  it.runIf(enabled)('never fails its own job, whose lease it renews, however late its pages come', async () => {
    const created = await createBacktest(database.db, { ...job, owner: 'carl' }, 3);
    // A clock that moves an hour at every read: every lease has run out by the next read, as if each page (or the
    // worker's start) had taken that long. Only the runner's own leases can keep the job alive.
    let clock = Date.now();
    const runner = new BacktestService({
      db: database.db,
      store: new DrizzleCandleStore(database.db),
      pubsub,
      log: silentLog,
      settings: { pollMs: 5, pageCandles: 200, progressMs: 0 },
      now: () => {
        clock += 3_600_000;
        return clock;
      },
    });
    await runner.start();
    const row = await until('the job to end', async () => {
      const [found] = await getBacktests(database.db, [created.id]);
      return found?.status === 'QUEUED' || found?.status === 'RUNNING' ? undefined : found;
    });
    await runner.stop();
    expect(row).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  it.runIf(enabled)('puts a job back in the queue when its runner stops cleanly mid-job', async () => {
    const created = await createBacktest(database.db, { ...job, owner: 'dave' }, 3);
    const runner = service({ pageCandles: 20 });
    await runner.start();
    await until('the job to be running', async () => {
      const [row] = await getBacktests(database.db, [created.id]);
      return row?.status === 'RUNNING' && (row.candlesDone ?? 0) > 0;
    });
    await runner.stop();
    const [row] = await getBacktests(database.db, [created.id]);
    expect(row).toMatchObject({ status: 'QUEUED', candlesDone: 0, startedAt: null });
    await cancelBacktest(database.db, created.id, new Date());
  });

  it.runIf(enabled)('refuses a job past the bound on queued and running jobs per user', async () => {
    for (let i = 0; i < 2; i++) await createBacktest(database.db, { ...job, owner: 'erin' }, 2);
    await expect(createBacktest(database.db, { ...job, owner: 'erin' }, 2)).rejects.toBeInstanceOf(BacktestLimitError);
    // Another user is not held up by erin's jobs.
    await expect(createBacktest(database.db, { ...job, owner: 'frank' }, 2)).resolves.toMatchObject({
      status: 'QUEUED',
    });
  });
});
