import { readFileSync } from 'node:fs';
import {
  ActivateStrategyDocument,
  AlphintraClient,
  CandlesDocument,
  CreateStrategyDocument,
  DeactivateStrategyDocument,
  GraphQLRequestError,
  LiveCandlesDocument,
  LiveSignalsDocument,
  LiveSignalsWithStrategyDetailsDocument,
  SignalOutcomesDocument,
  type SignalOutcomesQuery,
  SignalsDocument,
  type SignalsQuery,
  StrategiesDocument,
} from '@alphintra/client';
import { SIGNAL_SCHEMA_VERSION, type Signal, toStandardSignal } from '@alphintra/core';
import { listSignals, runningStrategySpecs } from '@alphintra/db';
import { backtest, followSignal, templateById } from '@alphintra/engine';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, strategyEntityFetches, uniqueSuffix } from '@alphintra/testkit';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asGraphQL,
  asGraphQLCandle,
  candlesOf,
  collect,
  PROBE_CANDLE_OPEN,
  probeUntilLive,
  readSignalTopic,
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

const signalSchema = new Ajv2020({ strict: true, allErrors: true });
addFormats(signalSchema);
const validateStandard = signalSchema.compile(
  JSON.parse(readFileSync(new URL('../schema/signal.schema.json', import.meta.url), 'utf8')),
);

async function expectUserError(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLRequestError);
  const [first] = (error as GraphQLRequestError).errors;
  expect(first?.extensions?.['code']).toBe(code);
  if (field !== undefined) expect(first?.extensions?.['field']).toBe(field);
  return first;
}

describe.each(modes)('the platform on $mode', ({ real, enabled }) => {
  let platform: Platform;
  let client: AlphintraClient;
  let dropDatabase = async () => {};
  const fetches = strategyEntityFetches();
  let reader: Awaited<ReturnType<typeof readSignalTopic>>;

  beforeAll(async () => {
    if (!enabled) return;
    const suffix = uniqueSuffix();
    let dbUrl: string | undefined;
    if (real && databaseUrl) {
      const created = await createTestDatabase(databaseUrl);
      dbUrl = created.url;
      dropDatabase = created.drop;
    }
    platform = await startPlatform(
      testPlatformConfig({
        suffix,
        databaseUrl: dbUrl,
        redisUrl: real ? redisUrl : undefined,
        kafkaBrokers: real ? kafkaBrokers : undefined,
        gatewayPlugins: [fetches.plugin],
      }),
      () => silentLog,
    );
    client = new AlphintraClient({ url: platform.gateway.url });
    // Any Kafka consumer can read the signals: on real servers a plain kafkajs consumer on the public topic.
    reader = await readSignalTopic(platform, real ? kafkaBrokers : undefined, `e2e-${suffix}-reader`);
  });

  afterAll(async () => {
    if (!enabled) return;
    await reader?.stop();
    await client?.close();
    await platform?.close();
    await dropDatabase();
  });

  it.runIf(enabled)('manages strategies through the gateway and hot-reloads them into the engine', async () => {
    expect(platform.engines).toEqual(
      real
        ? { database: 'postgres', pubsub: 'redis', bus: 'kafka' }
        : { database: 'pglite', pubsub: 'memory', bus: 'memory' },
    );
    const initial = await client.request(StrategiesDocument, { first: 10 });
    expect(initial.strategies.edges.map((e) => [e.node.name, e.node.status, e.node.runs])).toEqual([
      ['XRPETH EMA 9/21 crossover', 'ACTIVE', [expect.objectContaining({ version: 1, mode: 'LIVE' })]],
      ['XRPETH RSI 14 reversion', 'ACTIVE', [expect.objectContaining({ version: 1, mode: 'LIVE' })]],
    ]);
    expect(platform.engine.engine.stats.strategies).toBe(2);

    // The EMA template with other periods: a document is data, edited like any JSON.
    const ema = structuredClone(templateById('ema-crossover')?.document) as unknown as Record<string, unknown>;
    ema['indicators'] = {
      ...(ema['indicators'] as object),
      fast: { type: 'EMA', period: 5 },
      slow: { type: 'EMA', period: 13 },
    };
    const created = await client.request(CreateStrategyDocument, {
      input: { name: 'XRPETH EMA 5/13', symbols: ['xrpeth'], document: ema, activate: true },
    });
    expect(created.createStrategy.strategy).toMatchObject({ version: 1, status: 'ACTIVE', symbols: ['XRPETH'] });
    expect(created.createStrategy.strategy.document).toEqual(ema);
    await waitFor('the engine to run the new strategy', () => platform.engine.engine.stats.strategies === 3);

    const parked = await client.request(CreateStrategyDocument, {
      input: { name: 'XRPETH RSI parked', template: 'rsi-reversion', symbols: ['XRPETH'] },
    });
    const parkedId = parked.createStrategy.strategy.id;
    expect(parked.createStrategy.strategy.status).toBe('INACTIVE');
    const activated = await client.request(ActivateStrategyDocument, { input: { id: parkedId } });
    expect(activated.activateStrategy.strategy.status).toBe('ACTIVE');
    await waitFor('the engine to run the activated strategy', () => platform.engine.engine.stats.strategies === 4);
    const deactivated = await client.request(DeactivateStrategyDocument, { input: { id: parkedId } });
    expect(deactivated.deactivateStrategy.strategy.status).toBe('INACTIVE');
    await waitFor('the engine to drop the deactivated strategy', () => platform.engine.engine.stats.strategies === 3);

    const active = await client.request(StrategiesDocument, { first: 10, filter: { status: 'ACTIVE' } });
    expect(active.strategies.edges).toHaveLength(3);
  });

  it.runIf(enabled)('rejects bad strategy input with BAD_USER_INPUT naming the field, and keeps running', async () => {
    const input = { name: 'bad', template: 'ema-crossover', symbols: ['XRPETH'] };
    const ema = structuredClone(templateById('ema-crossover')?.document) as unknown as Record<string, unknown>;
    ema['indicators'] = { ...(ema['indicators'] as object), fast: { type: 'EMA', period: -3 } };
    await expectUserError(
      client.request(CreateStrategyDocument, { input: { name: 'bad', symbols: ['XRPETH'], document: ema } }),
      'BAD_USER_INPUT',
      'input.document/indicators/fast/period',
    );
    await expectUserError(
      client.request(CreateStrategyDocument, { input: { ...input, symbols: ['DOGEUSD'] } }),
      'BAD_USER_INPUT',
      'input.symbols',
    );
    await expectUserError(
      client.request(CreateStrategyDocument, { input: { ...input, source: 'AI_ML' } }),
      'BAD_USER_INPUT',
      'input.source',
    );
    const unknownSource = await expectUserError(
      client.request(CreateStrategyDocument, {
        input: { ...input, source: 'MOON_SHOT' as unknown as 'NO_CODE' },
      }),
      'BAD_USER_INPUT',
    );
    expect(unknownSource?.message).toMatch(/MOON_SHOT.*StrategySource|StrategySource.*MOON_SHOT/s);
    await expectUserError(
      client.request(CreateStrategyDocument, { input: { ...input, name: 'XRPETH EMA 5/13' } }),
      'CONFLICT',
      'input.name',
    );
    await expectUserError(
      client.request(ActivateStrategyDocument, { input: { id: '6f1c2c5e-0000-4000-8000-000000000000' } }),
      'NOT_FOUND',
    );
    const after = await client.request(StrategiesDocument, { first: 10 });
    expect(after.strategies.edges.map((e) => e.node.name)).not.toContain('bad');
  });

  it.runIf(enabled)('delivers each signal to subscribers, Postgres and Kafka, identical to a backtest', async () => {
    const plain = collect(client.subscribe(LiveSignalsDocument, { filter: { symbols: ['XRPETH'] } }));
    const enriched = collect(
      client.subscribe(LiveSignalsWithStrategyDetailsDocument, { filter: { symbols: ['XRPETH'] } }),
    );
    const liveCandles = collect(client.subscribe(LiveCandlesDocument, { symbol: 'XRPETH', interval: '1m' }));

    // Probe until every subscription is live end to end (gateway -> subgraph -> pub/sub) before replaying.
    const isProbe = await probeUntilLive(
      platform,
      () => plain.items.length > 0 && enriched.items.length > 0 && liveCandles.items.length > 0,
    );
    const fetchesBefore = fetches.count;
    const enrichedBefore = enriched.items.length;
    expect(enriched.items.some((e) => isProbe(e.signals.id))).toBe(true);

    // What a backtest over the same trades gives, with the strategies active now.
    const specs = await runningStrategySpecs(platform.database.db);
    const candles = await candlesOf(TRADES_SLICE);
    const expected = backtest(specs, candles);
    expect(expected.length).toBeGreaterThan(10);
    const expectedIds = expected.map((s) => s.id).sort();

    await platform.startReplay();
    const live = () => plain.items.filter((e) => !isProbe(e.signals.id));
    const liveEnriched = () => enriched.items.filter((e) => !isProbe(e.signals.id));
    await waitFor(
      'every signal on both subscriptions and Kafka',
      () =>
        live().length >= expected.length &&
        liveEnriched().length >= expected.length &&
        reader.messages.length >= expected.length,
    );
    const realCandles = () => liveCandles.items.map((e) => e.candles).filter((c) => c.openTime !== PROBE_CANDLE_OPEN);
    const minutes = candles.filter((c) => c.interval === '1m');
    await waitFor('every candle on the candle subscription', () => realCandles().length >= minutes.length);
    await plain.stop();
    await enriched.stop();
    await liveCandles.stop();
    // The candle subscription delivered every candle the trades make, as it closed.
    expect(realCandles()).toEqual(minutes.map(asGraphQLCandle));
    expect(plain.error).toBeUndefined();
    expect(enriched.error).toBeUndefined();

    // Subscribers got exactly the backtest's signals, field for field, in the order the engine made them.
    const received = live().map((e) => e.signals);
    expect(received.map((s) => s.id).sort()).toEqual(expectedIds);
    const byId = new Map(expected.map((s) => [s.id, s]));
    for (const event of received) {
      const { strategy: owner, latencyMs, ...fields } = event;
      const want = byId.get(event.id) as Signal;
      expect(fields).toEqual(asGraphQL(want));
      expect(owner).toEqual({ id: want.strategyId, name: want.strategyName, version: want.strategyVersion });
      expect(latencyMs).toBeGreaterThanOrEqual(0);
    }

    // The plain selection is served from @provides: no entity fetch; the enriched one fetches per event.
    const enrichedLive = liveEnriched();
    expect(enrichedLive.map((e) => e.signals.id).sort()).toEqual(expectedIds);
    for (const event of enrichedLive) {
      const spec = specs.find((s) => s.id === byId.get(event.signals.id)?.strategyId);
      expect(event.signals.strategy).toMatchObject({ name: spec?.name, interval: spec?.interval, status: 'ACTIVE' });
    }
    expect(fetches.count - fetchesBefore).toBe(enriched.items.length - enrichedBefore);

    // Persisted rows equal the events (read through the gateway and straight from the database).
    const stored = [];
    let after: string | null = null;
    for (let more = true; more; ) {
      const page: SignalsQuery = await client.request(SignalsDocument, {
        first: 5,
        after,
        filter: { symbols: ['XRPETH'] },
      });
      stored.push(...page.signals.edges.map((e) => e.node));
      more = page.signals.pageInfo.hasNextPage;
      after = page.signals.pageInfo.endCursor ?? null;
    }
    expect(stored.map((s) => s.id).sort()).toEqual(expectedIds);
    const timestamps = stored.map((s) => Date.parse(s.timestamp));
    expect(timestamps).toEqual([...timestamps].sort((x, y) => y - x));
    const receivedById = new Map(received.map((s) => [s.id, s]));
    for (const row of stored) {
      const { strategy, ...fields } = row;
      const { strategy: eventStrategy, ...event } = receivedById.get(row.id) ?? { strategy: undefined };
      expect(fields).toEqual(event);
      expect(strategy).toEqual({ id: eventStrategy?.id, name: eventStrategy?.name });
    }
    const direct = await listSignals(platform.database.db, { first: 100 });
    expect(direct.items.map((i) => i.node.id).sort()).toEqual(expectedIds);

    // Kafka consumers read the same signals in the standard format, valid against its JSON Schema.
    await waitFor('the Kafka reader to catch up', () => reader.messages.length >= expected.length);
    expect(reader.messages.map((s) => s.signal_id).sort()).toEqual(expectedIds);
    for (const message of reader.messages) {
      expect(validateStandard(message), JSON.stringify(validateStandard.errors)).toBe(true);
      expect(message).toEqual(toStandardSignal(byId.get(message.signal_id) as Signal));
    }
    expect(new Set(reader.headers)).toEqual(new Set([SIGNAL_SCHEMA_VERSION]));
  });

  it.runIf(enabled)(
    'follows each signal to its outcome, as followSignal gives on the candles of the trades',
    async () => {
      await platform.outcomes.drain();
      const candles = await candlesOf(TRADES_SLICE);
      const specs = await runningStrategySpecs(platform.database.db);
      const expected = backtest(specs, candles);
      const intervalOf = new Map(specs.map((s) => [`${s.id}|${s.version}`, s.interval]));
      const outcomes = new Map<string, SignalOutcomesQuery['signals']['edges'][number]['node']['outcome']>();
      let after: string | null = null;
      for (let more = true; more; ) {
        const page: SignalOutcomesQuery = await client.request(SignalOutcomesDocument, { first: 100, after });
        for (const edge of page.signals.edges) outcomes.set(edge.node.id, edge.node.outcome);
        more = page.signals.pageInfo.hasNextPage;
        after = page.signals.pageInfo.endCursor ?? null;
      }
      const statuses = new Set<string>();
      for (const signal of expected) {
        const interval = intervalOf.get(`${signal.strategyId}|${signal.strategyVersion}`);
        const want = followSignal(
          signal,
          candles.filter((c) => c.interval === interval),
        );
        const got = outcomes.get(signal.id);
        statuses.add(want.status);
        expect({ ...got, exitPrice: got?.exitPrice == null ? null : Number(got.exitPrice) }).toEqual({
          status: want.status,
          closedAt: want.closedAt === null ? null : new Date(want.closedAt).toISOString(),
          exitPrice: want.exitPrice,
          returnPct: want.returnPct,
        });
      }
      expect(statuses.size).toBeGreaterThan(1);
    },
  );

  it.runIf(enabled)('serves the candles built from the replayed trades', async () => {
    const candles = await candlesOf(TRADES_SLICE);
    for (const interval of ['1m', '5m', '1h', '1d'] as const) {
      const built = candles.filter((c) => c.interval === interval);
      const result = await client.request(CandlesDocument, { symbol: 'XRPETH', interval, last: 50 });
      expect(result.candles).toEqual(built.slice(-50).map(asGraphQLCandle));
    }
    await expectUserError(
      client.request(CandlesDocument, { symbol: 'NOPE', interval: '1m', last: 5 }),
      'BAD_USER_INPUT',
      'symbol',
    );
  });
});
