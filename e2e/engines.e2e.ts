import { KafkaEventBus } from '@alphintra/bus/kafka';
import { AlphintraClient, CreateStrategyDocument, UpdateStrategyDocument } from '@alphintra/client';
import type { Signal } from '@alphintra/core';
import { type Database, DrizzleCandleStore, deactivateStrategy, listSignals, openDatabase } from '@alphintra/db';
import { EngineService, type Platform, SignalDistributor, silentLog, startPlatform } from '@alphintra/platform';
import { createTestDatabase, everyCandleDocument, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candlesOf, TRADES_SLICE, testPlatformConfig, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const enabled = databaseUrl !== undefined && kafkaBrokers !== undefined;

/**
 * Two engine processes on Kafka: the platform's own engine and a second `EngineService` with its own Kafka
 * client, database connection and distributor, in the same consumer group for candles (so the symbols split
 * between them) and each with its own group for `strategy.events` (so each sees every change).
 */
describe.skipIf(!enabled)('two engine processes on Kafka', () => {
  let platform: Platform;
  let client: AlphintraClient;
  let second: EngineService;
  let secondDb: Database;
  let secondBus: KafkaEventBus;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!databaseUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const database = await createTestDatabase(databaseUrl);
    cleanup.push(database.drop);
    const suffix = uniqueSuffix();
    const config = testPlatformConfig({ suffix, databaseUrl: database.url, kafkaBrokers, replaySpeed: 3_000 });
    platform = await startPlatform(
      { ...config, marketData: { ...config.marketData, replay: [TRADES_SLICE] } },
      () => silentLog,
    );
    cleanup.push(() => platform.close());
    client = new AlphintraClient({ url: platform.gateway.url });
    cleanup.push(() => client.close());

    secondDb = await openDatabase({ url: database.url });
    cleanup.push(() => secondDb.close());
    secondBus = new KafkaEventBus({ brokers: kafkaBrokers.split(','), clientId: `e2e-${suffix}-second-engine` });
    cleanup.push(() => secondBus.close());
    second = new EngineService({
      db: secondDb.db,
      store: new DrizzleCandleStore(secondDb.db),
      bus: secondBus,
      distributor: new SignalDistributor({ db: secondDb.db, log: silentLog }),
      log: silentLog,
    });
    await second.start(`e2e-${suffix}`);
    cleanup.push(() => second.stop());
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  const running = (engine: EngineService, id: string) =>
    engine.engine
      .versionStats()
      .filter((s) => s.id === id)
      .map((s) => s.version);

  it.runIf(enabled)('applies an update in both engines, and a version switch skips and repeats no candle', async () => {
    const created = await client.request(CreateStrategyDocument, {
      input: { name: 'every candle', symbols: ['XRPETH'], document: everyCandleDocument(1), activate: true },
    });
    const { id } = created.createStrategy.strategy;
    await waitFor(
      'both engines to run v1',
      () => running(platform.engine, id).includes(1) && running(second, id).includes(1),
    );
    expect(platform.engine.instanceId).not.toBe(second.instanceId);

    const replay = platform.startReplay();
    const minutes = () => platform.candles.query({ symbol: 'XRPETH', interval: '1m' });
    await waitFor('a third of the replay', async () => (await minutes()).length >= 100);
    await client.request(UpdateStrategyDocument, {
      input: { id, document: everyCandleDocument(1.5), changeNote: 'wider stops' },
    });
    await waitFor('both engines to run v2 only', () => {
      const [a, b] = [running(platform.engine, id), running(second, id)];
      return a.length === 1 && a[0] === 2 && b.length === 1 && b[0] === 2;
    });
    await replay;
    const expectedMinutes = (await candlesOf(TRADES_SLICE)).filter((c) => c.interval === '1m').length;
    await waitFor('every candle stored', async () => (await minutes()).length >= expectedMinutes);
    const stored = await minutes();
    await waitFor('a signal for every candle', async () => (await strategySignals(id)).length >= stored.length);

    const signals = await strategySignals(id);
    // Exactly one signal per candle: each candle was evaluated once, by v1 until the switch and by v2 after it.
    expect(signals.map((s) => s.timestamp)).toEqual(stored.map((c) => c.closeTime));
    const versions = signals.map((s) => s.strategyVersion);
    const switchAt = versions.indexOf(2);
    expect(switchAt).toBeGreaterThan(0);
    expect(versions).toEqual([...Array(switchAt).fill(1), ...Array(versions.length - switchAt).fill(2)]);
  });

  it.runIf(enabled)('applies a change whose event never reached Kafka in both engines, from the database', async () => {
    const created = await client.request(CreateStrategyDocument, {
      input: { name: 'event lost', symbols: ['XRPETH'], document: everyCandleDocument(3), activate: true },
    });
    const { id } = created.createStrategy.strategy;
    await waitFor(
      'both engines to run it',
      () => running(platform.engine, id).length === 1 && running(second, id).length === 1,
    );
    // Committed with its change row but no `strategy.events` record, as when the broker is away at commit time.
    await deactivateStrategy(secondDb.db, id);
    await waitFor(
      'both engines to drop it',
      () => running(platform.engine, id).length === 0 && running(second, id).length === 0,
    );
  });

  async function strategySignals(id: string): Promise<Signal[]> {
    const all: Signal[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listSignals(secondDb.db, {
        first: 100,
        ...(after ? { after } : {}),
        filter: { strategyIds: [id] },
      });
      all.push(...page.items.map((item) => item.node));
      if (!page.hasNextPage) break;
      after = page.items.at(-1)?.cursor;
    }
    return all.sort((a, b) => a.timestamp - b.timestamp);
  }
});
