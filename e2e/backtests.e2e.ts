import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AlphintraClient,
  AuditLogDocument,
  BacktestDocument,
  BacktestProgressDocument,
  type BacktestProgressSubscription,
  BacktestResultDocument,
  type BacktestResultQuery,
  type BacktestSignalFieldsFragment,
  BacktestsDocument,
  CancelBacktestDocument,
  CreateStrategyDocument,
  type PerformanceSummaryFieldsFragment,
  RegisterModelDocument,
  RunBacktestDocument,
  StrategyPerformanceDocument,
} from '@alphintra/client';
import type { Candle, Signal } from '@alphintra/core';
import {
  type BacktestRecord,
  createBacktest,
  getBacktests,
  getOutcomes,
  listBacktestSignals,
  liveVersionSignals,
  openOutcomeOf,
  runningStrategySpecs,
  schema,
} from '@alphintra/db';
import { backtest, EXAMPLE_MODEL, templateById } from '@alphintra/engine';
import {
  DEFAULT_BACKTEST_SETTINGS,
  EXAMPLE_MODEL_FILE,
  type Platform,
  silentLog,
  startPlatform,
} from '@alphintra/platform';
import { createTestDatabase, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backtestOf,
  candlesOf,
  collect,
  expectUserError,
  TRADES_SLICE,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');

const modes = [
  { mode: 'embedded defaults (PGlite, in-process pub/sub and bus)', real: false, enabled: true },
  {
    mode: 'real Postgres, Redis and Kafka',
    real: true,
    enabled: databaseUrl !== undefined && redisUrl !== undefined && kafkaBrokers !== undefined,
  },
];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The published signal id formula (docs/contract.md), computed here with node:crypto alone: the SHA-256 of
 * `strategyId|version|symbol|closeTime` laid out as a UUID with version 8 and the RFC 9562 variant.
 */
function publishedSignalId(strategyId: string, version: number, symbol: string, closeTime: number): string {
  const hex = createHash('sha256').update(`${strategyId}|${version}|${symbol}|${closeTime}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What became of a signal, worked out here from the 1m candles by the rules in docs/architecture.md ("Signal
 * outcomes"): the first candle from the signal's time that reaches the stop (the stop, or the open when it gapped
 * through) or else the target; the expiry otherwise; OPEN when the candles end first.
 */
function expectedOutcome(signal: { action: string; timestamp: string; expiresAt: string } & Prices, candles: Candle[]) {
  const buy = signal.action === 'BUY';
  const [stop, target, entry] = [signal.stopLoss, signal.takeProfit, signal.priceTarget].map(Number) as [
    number,
    number,
    number,
  ];
  const opened = Date.parse(signal.timestamp);
  const expires = Date.parse(signal.expiresAt);
  let last = entry;
  for (const candle of candles) {
    if (candle.openTime < opened) continue;
    if (candle.closeTime > expires) return { status: 'EXPIRED', exitPrice: last };
    const [open, high, low, close] = [candle.open, candle.high, candle.low, candle.close].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (buy ? low <= stop : high >= stop)
      return { status: 'STOP_LOSS', exitPrice: (buy ? open < stop : open > stop) ? open : stop };
    if (buy ? high >= target : low <= target) return { status: 'TAKE_PROFIT', exitPrice: target };
    last = close;
    if (candle.closeTime === expires) return { status: 'EXPIRED', exitPrice: close };
  }
  return { status: 'OPEN', exitPrice: null };
}

interface Prices {
  readonly priceTarget: string;
  readonly stopLoss: string;
  readonly takeProfit: string;
}

describe.each(modes)('backtests on $mode', ({ real, enabled }) => {
  const secret = randomBytes(32).toString('base64url');
  let platform: Platform;
  let dropDatabase = async () => {};
  const clients: AlphintraClient[] = [];
  let admin: AlphintraClient;
  let alice: AlphintraClient;
  let bob: AlphintraClient;
  let viewer: AlphintraClient;
  let minutes: Candle[];
  let from: string;
  let to: string;
  let ema: { id: string; version: number };

  async function clientAs(sub: string, role: string): Promise<AlphintraClient> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ roles: [role] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setNotBefore(now - 5)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(secret));
    const client = new AlphintraClient({ url: platform.gateway.url, token, retryAttempts: 0 });
    clients.push(client);
    return client;
  }

  /** Every signal of a finished backtest, through the gateway, a page at a time. */
  async function resultOf(client: AlphintraClient, id: string) {
    const signals: BacktestSignalFieldsFragment[] = [];
    let after: string | null = null;
    let summary: PerformanceSummaryFieldsFragment | undefined;
    for (let more = true; more; ) {
      const page: BacktestResultQuery = await client.request(BacktestResultDocument, { id, first: 7, after });
      const result = page.backtest?.result;
      if (!result) throw new Error(`backtest ${id} has no result`);
      summary = result.summary;
      signals.push(...result.signals.edges.map((e) => e.node));
      more = result.signals.pageInfo.hasNextPage;
      after = result.signals.pageInfo.endCursor ?? null;
    }
    return { signals, summary };
  }

  /** A job that would run for minutes: a period of 500 days, mostly without candles, in pages of 50. */
  function longJob(strategyId: string) {
    return { strategyId, from, to: new Date(Date.parse(from) + 500 * DAY).toISOString() };
  }

  beforeAll(async () => {
    if (!enabled) return;
    let url: string | undefined;
    if (real && databaseUrl) {
      const created = await createTestDatabase(databaseUrl);
      url = created.url;
      dropDatabase = created.drop;
    }
    platform = await startPlatform(
      {
        ...testPlatformConfig({
          suffix: uniqueSuffix(),
          databaseUrl: url,
          redisUrl: real ? redisUrl : undefined,
          kafkaBrokers: real ? kafkaBrokers : undefined,
        }),
        auth: { jwtSecret: secret, roleClaim: 'roles', internalSecret: randomBytes(32).toString('base64url') },
        backtests: { ...DEFAULT_BACKTEST_SETTINGS, maxActivePerUser: 2, pageCandles: 50, pollMs: 20, leaseMs: 2_000 },
      },
      () => silentLog,
    );
    admin = await clientAs('root', 'admin');
    alice = await clientAs('alice', 'trader');
    bob = await clientAs('bob', 'trader');
    viewer = await clientAs('vera', 'viewer');

    // The live run: the whole platform replays the recorded trades; the default strategies signal as it goes.
    const candles = await candlesOf(TRADES_SLICE);
    minutes = candles.filter((c) => c.interval === '1m');
    const specs = await runningStrategySpecs(platform.database.db);
    const spec = specs.find((s) => s.name.includes('EMA'));
    if (spec === undefined) throw new Error('no EMA default strategy');
    ema = { id: spec.id, version: spec.version };
    const expected = (await backtest(specs, candles)).filter((s) => s.strategyId === ema.id);
    await platform.startReplay();
    from = new Date((minutes[0] as Candle).openTime).toISOString();
    to = new Date((minutes.at(-1) as Candle).openTime + MINUTE).toISOString();
    await waitFor('the engine to store every live signal', async () => {
      const stored = await liveVersionSignals(platform.database.db, {
        strategyId: ema.id,
        version: ema.version,
        from: Date.parse(from) - MINUTE,
        to: Date.parse(to) + MINUTE,
      });
      return stored.length >= expected.length;
    });
  });

  afterAll(async () => {
    if (!enabled) return;
    for (const client of clients) await client.close();
    await platform?.close();
    await dropDatabase();
  });

  it.runIf(enabled)(
    'gives the live run’s signal ids and outcomes (parity), with its progress streamed to the end',
    async () => {
      const live: Signal[] = await liveVersionSignals(platform.database.db, {
        strategyId: ema.id,
        version: ema.version,
        from: Date.parse(from),
        to: Date.parse(to),
      });
      expect(live.length).toBeGreaterThan(5);
      const signalsBefore = live.length;

      const { runBacktest } = await admin.request(RunBacktestDocument, {
        input: { strategyId: ema.id, version: ema.version, from, to, feeBps: 7.5, slippageBps: 2.5 },
      });
      expect(runBacktest.backtest).toMatchObject({
        strategy: { id: ema.id },
        strategyVersion: ema.version,
        symbols: ['XRPETH'],
        from,
        to,
        status: expect.stringMatching(/QUEUED|RUNNING|SUCCEEDED/),
      });
      const id = runBacktest.backtest.id;
      const progress = collect(admin.subscribe(BacktestProgressDocument, { id }));
      await waitFor('the job to end on the subscription', () =>
        progress.items.some((e) => e.backtestProgress.status === 'SUCCEEDED'),
      );
      await progress.stop();
      expect(progress.error).toBeUndefined();
      const events = progress.items.map((e: BacktestProgressSubscription) => e.backtestProgress);
      expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
      const done = events.map((e) => e.candlesDone);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(events.at(-1)?.candlesTotal).toBe(minutes.length);

      const { signals, summary } = await resultOf(admin, id);
      // Parity: the same signal ids as the live run, in the same order, field for field.
      expect(signals.map((s) => s.id)).toEqual(live.map((s) => s.id));
      for (const [i, s] of signals.entries()) {
        const want = live[i] as Signal;
        expect(s).toMatchObject({
          timestamp: new Date(want.timestamp).toISOString(),
          symbol: want.symbol,
          action: want.action,
          confidence: want.confidence,
          priceTarget: want.priceTarget,
          stopLoss: want.stopLoss,
          takeProfit: want.takeProfit,
          expiresAt: new Date(want.expiresAt).toISOString(),
        });
      }
      // The independent check: ids by the published formula, outcomes worked out here from the candles.
      for (const s of signals.slice(0, 3)) {
        expect(s.id).toBe(publishedSignalId(ema.id, ema.version, 'XRPETH', Date.parse(s.timestamp)));
      }
      for (const s of signals) {
        const exitPrice = s.outcome.exitPrice === null ? null : Number(s.outcome.exitPrice);
        expect({ status: s.outcome.status, exitPrice }).toEqual(expectedOutcome(s, minutes));
      }
      // Parity of outcomes: the live outcome service, following the live signals as the candles came, stored the
      // same outcome for each signal as the backtest did (it gets there once it has seen the last candle). A signal
      // without a stored outcome is OPEN, as the API answers.
      const stored = await listBacktestSignals(platform.database.db, id, { first: 1000 });
      const backtested = stored.items.map((item) => item.node.outcome);
      const liveOutcomes = async () =>
        (
          await getOutcomes(
            platform.database.db,
            live.map((s) => s.id),
          )
        ).map((o, i) => ({ ...(o ?? openOutcomeOf(live[i] as Signal)), exitPriceDecimal: undefined }));
      await waitFor('the live outcomes to be stored', async () =>
        (await liveOutcomes()).every((o, i) => o?.status === backtested[i]?.status),
      );
      expect(await liveOutcomes()).toEqual(backtested.map((o) => ({ ...o, exitPriceDecimal: undefined })));

      // The summary from those outcomes: net return = return - 2 x (7.5 + 2.5) / 100 percent.
      const net = signals
        .filter((s) => s.outcome.status !== 'OPEN')
        .sort((a, b) => Date.parse(a.outcome.closedAt ?? '') - Date.parse(b.outcome.closedAt ?? ''))
        .map((s) => (s.outcome.returnPct ?? 0) - 0.2);
      expect(summary?.trades).toBe(net.length);
      expect(summary?.wins).toBe(net.filter((r) => r > 0).length);
      expect(summary?.totalReturnPct).toBeCloseTo((net.reduce((e, r) => e * (1 + r / 100), 1) - 1) * 100, 9);
      expect(summary?.roundTripCostPct).toBeCloseTo(0.2, 12);

      // Strategy.performance: the live signals' outcomes beside the backtest: equal, no difference.
      const { strategy } = await admin.request(StrategyPerformanceDocument, {
        id: ema.id,
        from,
        to,
        feeBps: 7.5,
        slippageBps: 2.5,
      });
      const performance = strategy?.performance;
      expect(performance).toMatchObject({ version: ema.version, liveOnly: [], backtestOnly: [] });
      expect(performance?.live).toEqual(performance?.backtest);
      expect(performance?.backtest).toEqual(summary);
      expect(performance?.difference).toMatchObject({ trades: 0, totalReturnPct: 0, maxDrawdownPct: 0, exposure: 0 });

      // The backtest's signals never reached the live signals (nor, so, any channel).
      const after = await liveVersionSignals(platform.database.db, {
        strategyId: ema.id,
        version: ema.version,
        from: Date.parse(from),
        to: Date.parse(to),
      });
      expect(after).toHaveLength(signalsBefore);
    },
  );

  it.runIf(enabled)('cancels a long job: the subscription ends with CANCELLED, and the runner is free', async () => {
    const { createStrategy } = await alice.request(CreateStrategyDocument, {
      input: { name: `alice EMA ${uniqueSuffix()}`, template: 'ema-crossover', symbols: ['XRPETH'] },
    });
    const strategyId = createStrategy.strategy.id;
    const { runBacktest } = await alice.request(RunBacktestDocument, { input: longJob(strategyId) });
    const id = runBacktest.backtest.id;
    const progress = collect(alice.subscribe(BacktestProgressDocument, { id }));
    await waitFor('the job to run', () =>
      progress.items.some((e) => e.backtestProgress.status === 'RUNNING' && e.backtestProgress.candlesDone > 0),
    );
    // Another user neither sees nor cancels it.
    await expectUserError(bob.request(BacktestDocument, { id }), 'FORBIDDEN');
    await expectUserError(bob.request(CancelBacktestDocument, { input: { id } }), 'FORBIDDEN');
    const { cancelBacktest } = await alice.request(CancelBacktestDocument, { input: { id } });
    expect(cancelBacktest.backtest.status).toBe('CANCELLED');
    await waitFor('the subscription to end', () =>
      progress.items.some((e) => e.backtestProgress.status === 'CANCELLED'),
    );
    await progress.stop();
    await waitFor('the runner to let it go', () => !platform.backtests.running.includes(id));
    const { backtest: job } = await alice.request(BacktestResultDocument, { id });
    expect(job).toMatchObject({ status: 'CANCELLED', result: null });
    expect(job?.candlesDone).toBeLessThan(job?.candlesTotal ?? 0);
    // Cancelling an ended job returns it as it is.
    const again = await alice.request(CancelBacktestDocument, { input: { id } });
    expect(again.cancelBacktest.backtest.status).toBe('CANCELLED');

    // Both mutations left an audit record, and bob's refused cancel one too.
    const { auditLog } = await admin.request(AuditLogDocument, { first: 50 });
    const records = auditLog.edges.map((e) => e.node).filter((r) => r.entityId === id);
    expect(records.map((r) => [r.operation, r.actor, r.outcome]).sort()).toEqual(
      [
        ['cancelBacktest', 'alice', 'SUCCEEDED'],
        ['cancelBacktest', 'alice', 'SUCCEEDED'],
        ['cancelBacktest', 'bob', 'REFUSED'],
        ['runBacktest', 'alice', 'SUCCEEDED'],
      ].sort(),
    );
  });

  it.runIf(enabled)('bounds the jobs a user has queued or running, with BACKTEST_LIMIT_EXCEEDED', async () => {
    const { createStrategy } = await bob.request(CreateStrategyDocument, {
      input: { name: `bob EMA ${uniqueSuffix()}`, template: 'ema-crossover', symbols: ['XRPETH'] },
    });
    const strategyId = createStrategy.strategy.id;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await bob.request(RunBacktestDocument, { input: longJob(strategyId) })).runBacktest.backtest.id);
    }
    const refused = await expectUserError(
      bob.request(RunBacktestDocument, { input: longJob(strategyId) }),
      'BACKTEST_LIMIT_EXCEEDED',
    );
    expect(refused?.message).toMatch(/at most 2 backtests/);
    // Another user is not held up by bob's jobs; and bob's list holds his own only.
    const { backtests } = await bob.request(BacktestsDocument, { first: 10 });
    expect(backtests.map((b) => b.id).sort()).toEqual([...ids].sort());
    for (const id of ids) await bob.request(CancelBacktestDocument, { input: { id } });
    // Once they ended, bob may run another.
    const next = await bob.request(RunBacktestDocument, { input: { strategyId, from, to } });
    expect(next.runBacktest.backtest.status).toMatch(/QUEUED|RUNNING|SUCCEEDED/);
  });

  it.runIf(enabled)('refuses what a user may not backtest, and bad input, each with a code to act on', async () => {
    // A private strategy of another user (the default strategies belong to `system`).
    await expectUserError(alice.request(RunBacktestDocument, { input: { strategyId: ema.id, from, to } }), 'FORBIDDEN');
    await expectUserError(
      viewer.request(RunBacktestDocument, { input: { strategyId: ema.id, from, to } }),
      'FORBIDDEN',
    );
    const input = { strategyId: ema.id, from, to };
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, to: from } }),
      'BAD_USER_INPUT',
      'input.to',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, {
        input: { ...input, to: new Date(Date.parse(from) + 800 * DAY).toISOString() },
      }),
      'BAD_USER_INPUT',
      'input.to',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, version: 1, document: { version: 1 } } }),
      'BAD_USER_INPUT',
      'input.document',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, version: 99 } }),
      'NOT_FOUND',
      'input.version',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, strategyId: '6f1c2c5e-0000-4000-8000-000000000000' } }),
      'NOT_FOUND',
      'input.strategyId',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, symbols: ['NOPE'] } }),
      'BAD_USER_INPUT',
      'input.symbols',
    );
    await expectUserError(
      admin.request(RunBacktestDocument, { input: { ...input, feeBps: -1 } }),
      'BAD_USER_INPUT',
      'input.feeBps',
    );
    const { backtest: none } = await admin.request(BacktestDocument, { id: '6f1c2c5e-0000-4000-8000-000000000000' });
    expect(none).toBeNull();
  });

  it.runIf(enabled)(
    'backtests a draft AI_ML document with a model its user may use, and refuses one pinning a private model of another',
    async () => {
      const document = templateById('model-example')?.document;
      if (document?.model === undefined) throw new Error('no model template');
      const { createStrategy } = await alice.request(CreateStrategyDocument, {
        input: { name: `alice draft ${uniqueSuffix()}`, template: 'ema-crossover', symbols: ['XRPETH'] },
      });
      const strategyId = createStrategy.strategy.id;

      // The example model is public: alice backtests a draft reading it, and gets what the engine gives with it.
      const { runBacktest } = await alice.request(RunBacktestDocument, { input: { strategyId, document, from, to } });
      const id = runBacktest.backtest.id;
      await waitFor('the draft job to succeed', async () => {
        const { backtest: job } = await alice.request(BacktestDocument, { id });
        if (job?.status === 'FAILED') throw new Error(`the draft job failed: ${job.error}`);
        return job?.status === 'SUCCEEDED';
      });
      const { signals } = await resultOf(alice, id);
      const candles = await candlesOf(TRADES_SLICE);
      const draft = {
        id: strategyId,
        name: createStrategy.strategy.name,
        version: 0,
        source: 'AI_ML' as const,
        symbols: ['XRPETH'],
        interval: document.interval,
        document,
        status: 'ACTIVE' as const,
        mode: 'LIVE' as const,
        activatedAt: Date.parse(from),
      };
      const expected = (await backtestOf(platform.database.db, [draft], candles)).filter(
        (signal) => signal.timestamp <= Date.parse(to),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(signals.map((signal) => signal.id)).toEqual(expected.map((signal) => signal.id));

      // Bob's own copy of the model is private to him: alice's draft may not read it.
      const { registerModel } = await bob.request(RegisterModelDocument, {
        input: {
          name: `bob-model-${uniqueSuffix()}`,
          onnx: readFileSync(EXAMPLE_MODEL_FILE).toString('base64'),
          features: EXAMPLE_MODEL.features,
          outputs: [...EXAMPLE_MODEL.outputs],
        },
      });
      const pin = {
        name: registerModel.model.name,
        version: registerModel.version.version,
        checksum: registerModel.version.checksum,
      };
      await expectUserError(
        alice.request(RunBacktestDocument, { input: { strategyId, document: { ...document, model: pin }, from, to } }),
        'BAD_USER_INPUT',
        'input.document/model/name',
      );
    },
  );

  it.runIf(enabled)('fails a job left RUNNING by a runner that died, once its lease ran out', async () => {
    const [spec] = await runningStrategySpecs(platform.database.db);
    if (spec === undefined) throw new Error('no strategy');
    // What a process that died mid-job leaves: a RUNNING job whose lease nobody renews.
    // Created and claimed in one transaction, so the platform's own runner never sees it QUEUED.
    const job: BacktestRecord = await platform.database.db.transaction(async (tx) => {
      const created = await createBacktest(
        tx,
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
          to: new Date(to),
          feeBps: 0,
          slippageBps: 0,
        },
        10,
      );
      await tx
        .update(schema.backtests)
        .set({ status: 'RUNNING', startedAt: new Date(), leaseUntil: new Date(Date.now() - 1) })
        .where(eq(schema.backtests.id, created.id));
      return created;
    });
    await waitFor('the job to fail', async () => {
      const [row] = await getBacktests(platform.database.db, [job.id]);
      return row?.status === 'FAILED';
    });
    const { backtest: failed } = await admin.request(BacktestDocument, { id: job.id });
    expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/runner stopped/) });
  });
});
