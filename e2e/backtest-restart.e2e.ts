import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type BacktestRecord,
  cancelBacktest,
  createBacktest,
  type Database,
  getBacktests,
  openDatabase,
  runningStrategySpecs,
} from '@alphintra/db';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { ABANDONED_ERROR } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const MAIN = fileURLToPath(new URL('../packages/platform/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 24 * 60 * 60_000;

describe.skipIf(databaseUrl === undefined)('backtests across a platform process killed and started again', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('fails the job a killed process left RUNNING, and a cleanly stopped one runs again', async () => {
    if (databaseUrl === undefined) throw new Error('unreachable: the suite is skipped');
    const created = await createTestDatabase(databaseUrl);
    cleanup.push(created.drop);
    const env = {
      ...process.env,
      DATABASE_URL: created.url,
      REDIS_URL: '',
      KAFKA_BROKERS: '',
      CONSUMER_GROUP_PREFIX: `e2e-backtest-restart-${uniqueSuffix()}`,
      MARKET_DATA: `replay:${BUNDLED_TRADES}`,
      REPLAY_SPEED: 'max',
      REPLAY_LOOP: 'false',
      PORT: '0',
      // Small pages make the jobs below long; a short lease makes a dead process's job fail soon.
      BACKTEST_PAGE_CANDLES: '10',
      BACKTEST_LEASE_MS: '2000',
      BACKTEST_POLL_MS: '100',
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
    const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const first = launch();
    let database: Database | undefined;
    await waitFor(
      'the platform to migrate and create its strategies',
      async () => {
        database ??= await openDatabase({ url: created.url }).catch(() => undefined);
        return database !== undefined && (await runningStrategySpecs(database.db).catch(() => [])).length > 0;
      },
      120_000,
    );
    const db = (database as Database).db;
    cleanup.push(() => (database as Database).close());
    const [spec] = await runningStrategySpecs(db);
    if (spec === undefined) throw new Error('no strategy');
    const from = Date.UTC(2019, 9, 11);
    /** A job of 500 days in pages of 10 candles: minutes of work, never done before the test is. */
    const queue = () =>
      createBacktest(
        db,
        {
          owner: 'root',
          strategyId: spec.id,
          strategyVersion: spec.version,
          strategyName: spec.name,
          strategySource: spec.source,
          interval: spec.interval,
          document: spec.document,
          symbols: [...spec.symbols],
          from: new Date(from),
          to: new Date(from + 500 * DAY),
          feeBps: 0,
          slippageBps: 0,
        },
        10,
      );
    const job = async (id: string) => (await getBacktests(db, [id]))[0] as BacktestRecord;
    const running = (id: string) => async () => {
      const row = await job(id);
      return row.status === 'RUNNING' && row.candlesDone > 0;
    };

    // Killed mid-job: the job stays RUNNING, its lease no longer renewed.
    const killed = await queue();
    await waitFor('the first job to run', running(killed.id), 60_000);
    first.kill('SIGKILL');
    await exited(first);
    expect((await job(killed.id)).status).toBe('RUNNING');

    // The next process fails it once the lease has run out, then takes the next job.
    const second = launch();
    await waitFor('the abandoned job to fail', async () => (await job(killed.id)).status === 'FAILED', 60_000);
    expect(await job(killed.id)).toMatchObject({ status: 'FAILED', error: ABANDONED_ERROR });

    // Stopped cleanly mid-job (SIGTERM): the job goes back to the queue, and the next process runs it again.
    const stopped = await queue();
    await waitFor('the second job to run', running(stopped.id), 60_000);
    second.kill('SIGTERM');
    await exited(second);
    expect(await job(stopped.id)).toMatchObject({ status: 'QUEUED', candlesDone: 0, startedAt: null });
    const third = launch();
    await waitFor('the requeued job to run again', running(stopped.id), 60_000);
    await cancelBacktest(db, stopped.id, new Date());
    third.kill('SIGTERM');
    await exited(third);
    expect((await job(stopped.id)).status).toBe('CANCELLED');
    expect(output.join('')).not.toMatch(/unhandled|uncaught/i);
  }, 300_000);
});
