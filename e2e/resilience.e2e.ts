import { AlphintraClient, LiveSignalsDocument } from '@alphintra/client';
import { listSignals, runningStrategySpecs } from '@alphintra/db';
import { type Log, type Platform, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, TcpProxy, uniqueSuffix } from '@alphintra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backtestOf,
  candlesOf,
  collect,
  probeUntilLive,
  readSignalTopic,
  TRADES_SLICE,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const enabled = databaseUrl !== undefined && redisUrl !== undefined && kafkaBrokers !== undefined;

describe.skipIf(!enabled)('the platform when PostgreSQL goes away', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('keeps running, reconnects, and loses or repeats no signal', async () => {
    if (!databaseUrl || !redisUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const server = new URL(databaseUrl);
    const proxy = await TcpProxy.start(server.hostname, Number(server.port || 5432));
    cleanup.push(() => proxy.close());
    const database = await createTestDatabase(databaseUrl);
    cleanup.push(database.drop);
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);

    const problems: string[] = [];
    const record = (component: string): Log => ({
      info: () => {},
      warn: (message) => problems.push(`${component}: ${message}`),
      error: (message) => problems.push(`${component}: ${message}`),
    });
    const suffix = uniqueSuffix();
    // 4,000x plays the 333 minutes of the slice in about 5 s: long enough to cut the database mid-way.
    const platform: Platform = await startPlatform(
      testPlatformConfig({ suffix, databaseUrl: viaProxy.toString(), redisUrl, kafkaBrokers, replaySpeed: 4_000 }),
      record,
    );
    cleanup.push(() => platform.close());
    const client = new AlphintraClient({ url: platform.gateway.url });
    cleanup.push(() => client.close());
    const reader = await readSignalTopic(platform, kafkaBrokers, `e2e-${suffix}-reader`);
    cleanup.push(reader.stop);
    const live = collect(client.subscribe(LiveSignalsDocument, { filter: { symbols: ['XRPETH'] } }));
    const isProbe = await probeUntilLive(platform, () => live.items.length > 0);
    const received = () => live.items.map((e) => e.signals.id).filter((id) => !isProbe(id));

    const expected = await backtestOf(
      platform.database.db,
      await runningStrategySpecs(platform.database.db),
      await candlesOf(TRADES_SLICE),
    );
    const expectedIds = expected.map((s) => s.id).sort();
    const replay = platform.startReplay();

    await waitFor('the first signals', () => received().length >= 2);
    await proxy.cut();
    await waitFor('the platform to notice the outage', () =>
      problems.some((p) => /storing (signals|\d+ candles) failed/.test(p)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received().length).toBeLessThan(expected.length);
    await proxy.restore();

    await replay;
    await waitFor('every signal after the outage', () => received().length >= expected.length);
    await waitFor('every signal on Kafka', () => reader.messages.length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive by now
    await live.stop();
    expect(live.error).toBeUndefined();
    expect(received().sort()).toEqual(expectedIds);
    expect(reader.messages.map((m) => m.signal_id).sort()).toEqual(expectedIds);
    const stored = await listSignals(platform.database.db, { first: 100 });
    expect(stored.items.map((i) => i.node.id).sort()).toEqual(expectedIds);
  });
});
