import {
  AlphintraClient,
  GraphQLRequestError,
  SequencedSignalsDocument,
  type SequencedSignalsSubscription,
  SignalStatsDocument,
  type SignalStatsQuery,
} from '@alphintra/client';
import { readOutbox, runningStrategySpecs, type StoredSignal } from '@alphintra/db';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, TcpProxy, uniqueSuffix } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestOf, candlesOf, collect, TRADES_SLICE, testPlatformConfig, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');

const modes = [
  { mode: 'embedded defaults', real: false, enabled: true },
  {
    mode: 'real Postgres, Redis and Kafka',
    real: true,
    enabled: databaseUrl !== undefined && redisUrl !== undefined && kafkaBrokers !== undefined,
  },
];

type Event = SequencedSignalsSubscription['signals'];
const FILTER = { symbols: ['XRPETH'] };

describe.each(modes)('resumable signal subscriptions on $mode', ({ real, enabled }) => {
  let platform: Platform;
  let proxy: TcpProxy;
  let client: AlphintraClient;
  let dropDatabase = async () => {};
  /** Every live stored signal, in delivery order: what a subscriber that never disconnected sees. */
  const stored = () => readOutbox(platform.database.db, { afterSeq: 0, limit: 10_000 });
  const idsAndSeqs = (signals: readonly (StoredSignal | Event)[]) =>
    signals.map((s) => [s.id, 'seq' in s ? String(s.seq) : s.sequence]);

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (real && databaseUrl) {
      const created = await createTestDatabase(databaseUrl);
      dbUrl = created.url;
      dropDatabase = created.drop;
    }
    // The replay runs at 1,800x: its 284 minutes of trades take about 10 s, so it is still running when the
    // client's connection is cut.
    platform = await startPlatform(
      testPlatformConfig({
        suffix: uniqueSuffix(),
        databaseUrl: dbUrl,
        redisUrl: real ? redisUrl : undefined,
        kafkaBrokers: real ? kafkaBrokers : undefined,
        replaySpeed: 1_800,
      }),
      () => silentLog,
    );
    // The client reaches the gateway through a proxy the test can cut: its socket drops, and reconnects fail
    // until the proxy is back.
    proxy = await TcpProxy.start('127.0.0.1', Number(new URL(platform.gateway.url).port));
    const url = new URL(platform.gateway.url);
    url.port = String(proxy.port);
    client = new AlphintraClient({ url: url.toString() });
  });

  afterAll(async () => {
    if (!enabled) return;
    await client?.close();
    await proxy?.close();
    await platform?.close();
    await dropDatabase();
  });

  it.runIf(enabled)('resumes across a lost connection: the stream equals the stored signals, in order', async () => {
    const expected = await backtestOf(
      platform.database.db,
      await runningStrategySpecs(platform.database.db),
      await candlesOf(TRADES_SLICE),
    );
    expect(expected.length).toBeGreaterThan(10);
    // From a time before the recording: nothing can be missed however long the subscription takes to go live.
    const events = collect(
      client.subscribe(SequencedSignalsDocument, { filter: FILTER, since: '2000-01-01T00:00:00Z' }),
    );
    const replay = platform.startReplay();
    await waitFor('the first signals', () => events.items.length >= 3);

    await proxy.cut();
    const seenAtCut = events.items.length;
    // Signals are stored while the client is away; it must get them from the database when it is back.
    await waitFor(
      'signals stored while the client is disconnected',
      async () => (await stored()).length > seenAtCut + 1,
    );
    await proxy.restore();
    await replay;
    await waitFor('every signal of the replay stored', async () => (await stored()).length >= expected.length);
    const all = await stored();
    await waitFor('the client to catch up', () => events.items.length >= all.length);
    await events.stop();
    expect(events.error).toBeUndefined();

    // On real servers other runs may be replaying the same recording onto the shared Kafka topics, so signals can
    // keep arriving: the stream is compared with the stored signals as of when it stopped.
    const received = events.items.map((e) => e.signals);
    const after = await stored();
    expect(received.length).toBeGreaterThanOrEqual(all.length);
    expect(idsAndSeqs(received)).toEqual(idsAndSeqs(after.slice(0, received.length)));
    expect(new Set(received.map((s) => s.id)).size).toBe(received.length);
    if (!real) expect(received.map((s) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());
    const sequences = received.map((s) => BigInt(s.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it.runIf(enabled)('starts after a signal id or at a time, and refuses a since it cannot place', async () => {
    const all = await stored();
    expect(all.length).toBeGreaterThan(6);
    /** The first `n` events of a subscription. */
    const firstEvents = async (since: string, n: number) => {
      const iterator = client.subscribe(SequencedSignalsDocument, { filter: FILTER, since });
      const got: Event[] = [];
      for (let i = 0; i < n; i++) {
        const next = await iterator.next();
        if (next.done) break;
        got.push(next.value.signals);
      }
      await iterator.return?.();
      return got;
    };
    const k = Math.floor(all.length / 2);
    const byId = await firstEvents(all[k]?.id ?? '', all.length - k - 1);
    expect(idsAndSeqs(byId)).toEqual(idsAndSeqs(all.slice(k + 1)));

    const time = all[k]?.timestamp ?? 0;
    const from = all.findIndex((s) => s.timestamp >= time);
    const byTime = await firstEvents(new Date(time).toISOString(), all.length - from);
    expect(idsAndSeqs(byTime)).toEqual(idsAndSeqs(all.slice(from)));

    for (const since of ['6f1c2c5e-0000-4000-8000-000000000000', 'last tuesday']) {
      const refused = await client
        .subscribe(SequencedSignalsDocument, { filter: FILTER, since })
        .next()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(GraphQLRequestError);
      expect((refused as GraphQLRequestError).errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'since',
      });
    }
  });

  it.runIf(enabled)('counts the signals per strategy and action through the gateway', async () => {
    // A snapshot the statistics were computed on: the stored signals did not change around the query.
    let all: StoredSignal[] = [];
    let result: SignalStatsQuery | undefined;
    await waitFor('a stable snapshot of the stored signals', async () => {
      const before = await stored();
      result = await client.request(SignalStatsDocument, { groupBy: ['STRATEGY', 'ACTION'], filter: FILTER });
      all = await stored();
      return before.length === all.length;
    });
    const groups = new Map<string, StoredSignal[]>();
    for (const s of all)
      groups.set(`${s.strategyId}|${s.action}`, [...(groups.get(`${s.strategyId}|${s.action}`) ?? []), s]);
    const wanted = [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, list]) => ({
        strategy: { id: list[0]?.strategyId, name: list[0]?.strategyName },
        symbol: null,
        action: list[0]?.action,
        count: list.length,
        averageConfidence: expect.closeTo(list.reduce((sum, s) => sum + s.confidence, 0) / list.length, 9),
      }));
    expect(result?.signalStats).toEqual(wanted);
  });
});
