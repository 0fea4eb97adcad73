import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRedisPubSub } from '@alphintra/bus/redis';
import { SIGNALS_CHANNEL, type StrategySpec } from '@alphintra/core';
import { latestSignalSeq, openDatabase, type StoredSignal } from '@alphintra/db';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { type Log, type OutboxRelay, type Platform, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, syntheticSignal, TcpProxy, uniqueSuffix } from '@alphintra/testkit';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CommitCuttingProxy,
  type ConsumedSignal,
  consumeSignals,
  createStrategies,
  expectExactlyOnceInOrder,
  settled,
  storedSignals,
  subscribeSignals,
  waitForEvery,
} from './distribution.ts';
import { candlesOf, TRADES_SLICE, testPlatformConfig, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const enabled = databaseUrl !== undefined && redisUrl !== undefined && kafkaBrokers !== undefined;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../packages/platform/src/main.ts', import.meta.url));
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const run = promisify(execFile);

/** Strategies per test on top of the replay: enough signals that a fault lands in the middle of their delivery. */
const STRATEGIES = 40;
/** Symbols of the synthetic signals stored during an outage, so order is checked on more than one partition. */
const SYMBOLS = ['XRPETH', 'BTCUSDT', 'ETHUSDT'];

/**
 * A broker of the test's own, stopped and started with `scripts/kafka.sh` like the shared one, on other ports and
 * its own state directory: stopping it takes nothing away from other runs on the shared broker.
 */
const ownBroker = {
  port: 19_092,
  env: {
    ...process.env,
    KAFKA_PORT: '19092',
    KAFKA_CONTROLLER_PORT: '19093',
    KAFKA_STATE_DIR: join(tmpdir(), 'alphintra-kafka-faults'),
  },
  script: (command: 'start' | 'stop' | 'status') =>
    run('bash', [join(ROOT, 'scripts/kafka.sh'), command], { env: ownBroker.env, cwd: ROOT }),
  async running(): Promise<boolean> {
    return ownBroker.script('status').then(
      () => true,
      () => false,
    );
  },
};

const relayOf = (platform: Platform, name: string) =>
  platform.relays.find((relay) => relay.name === name) as OutboxRelay;

/** What a Kafka reader got, as (id, symbol) in arrival order. */
const kafkaOrder = (records: readonly ConsumedSignal[]) => records.map((r) => ({ id: r.id, symbol: r.key }));
const pubsubOrder = (items: readonly StoredSignal[]) => items.map((s) => ({ id: s.id, symbol: s.symbol }));

/** Synthetic signals of every strategy on every symbol for `minutes` candles from `from`, as the engine hands them over. */
function syntheticBatches(strategies: readonly StrategySpec[], from: number, minutes: number) {
  return Array.from({ length: minutes }, (_, minute) =>
    SYMBOLS.flatMap((symbol) =>
      strategies.map((strategy) => syntheticSignal(strategy, from + minute * 60_000, symbol)),
    ),
  );
}

describe.skipIf(!enabled)('distribution under faults: every signal on every channel exactly once, in order', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  /** A test database with the extra strategies, migrated; returns its URL and the strategies. */
  async function prepareDatabase() {
    if (!databaseUrl) throw new Error('unreachable: the suite is skipped');
    const database = await createTestDatabase(databaseUrl);
    cleanup.push(database.drop);
    const opened = await openDatabase({ url: database.url });
    const strategies = await createStrategies(opened.db, 'XRPETH', STRATEGIES);
    await opened.close();
    return { url: database.url, strategies, ids: new Set(strategies.map((s) => s.id)) };
  }

  it('Kafka broker stopped mid-replay: signals are still stored (and reach the pub/sub); Kafka gets them all once it is back', async () => {
    if (!redisUrl) throw new Error('unreachable: the suite is skipped');
    const brokers = `127.0.0.1:${ownBroker.port}`;
    await ownBroker.script('start');
    cleanup.push(async () => {
      await ownBroker.script('stop');
    });
    const { url, strategies, ids } = await prepareDatabase();
    const suffix = uniqueSuffix();
    // The replay paced so it is still running when the broker goes (284 minutes of trades in about 30 s).
    const platform = await startPlatform(
      testPlatformConfig({ suffix, databaseUrl: url, redisUrl, kafkaBrokers: brokers, replaySpeed: 600 }),
      () => silent,
    );
    cleanup.push(() => platform.close());
    const reader = await consumeSignals(brokers, `e2e-${suffix}-reader`, ids);
    cleanup.push(reader.stop);
    const subscriber = subscribeSignals(redisUrl, `e2e-${suffix}:`);
    cleanup.push(subscriber.stop);
    await waitFor('the subscriber to be connected', async () => {
      await platform.pubsub.publish(SIGNALS_CHANNEL, { id: 'probe', symbol: 'PROBE', seq: 0 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return subscriber.items.length > 0;
    });
    const heard = () => subscriber.items.filter((item) => item.symbol !== 'PROBE');

    const expectedCandles = await candlesOf(TRADES_SLICE);
    const replay = platform.startReplay();
    const kafka = relayOf(platform, 'kafka');
    const pubsub = relayOf(platform, 'pubsub');
    await waitFor('signals on Kafka', () => reader.records.length > 0, 120_000);

    let storedWhileDown = 0;
    try {
      await ownBroker.script('stop');
      expect(await ownBroker.running()).toBe(false);
      const before = await latestSignalSeq(platform.database.db);
      // The engine reads candles from this broker too, so it waits; signals handed to the distributor meanwhile
      // (as the engine does per candle) are stored all the same.
      for (const batch of syntheticBatches(strategies, Date.UTC(2030, 0, 1), 10)) {
        storedWhileDown += (await platform.distributor.distribute(batch)).length;
      }
      const latest = await latestSignalSeq(platform.database.db);
      expect(storedWhileDown).toBe(10 * SYMBOLS.length * strategies.length);
      expect(latest).toBeGreaterThanOrEqual(before + storedWhileDown);
      // The pub/sub does not wait for Kafka: its relay delivers everything stored while the broker is down.
      await waitFor('the pub/sub relay to deliver while Kafka is down', () => pubsub.stats.cursor >= latest);
      expect(kafka.stats.cursor).toBeLessThan(latest);
    } finally {
      await ownBroker.script('start');
    }

    await replay;
    await waitFor(
      'the engine to see every candle',
      () => platform.engine.engine.stats.candles >= expectedCandles.length,
      170_000,
    );
    await settled('signals to be stored', () => latestSignalSeq(platform.database.db));
    const latest = await latestSignalSeq(platform.database.db);
    await waitFor('the Kafka relay to catch up', () => kafka.stats.cursor >= latest, 120_000);
    await waitFor('the pub/sub relay to catch up', () => pubsub.stats.cursor >= latest);
    const stored = await storedSignals(platform.database.db);
    await waitForEvery('Kafka', stored, () => new Set(reader.records.map((r) => r.id)));
    await waitFor('every signal on the pub/sub', () => heard().length >= stored.length);

    expect(stored.length).toBeGreaterThan(storedWhileDown);
    expectExactlyOnceInOrder('kafka', kafkaOrder(reader.records), stored);
    expectExactlyOnceInOrder('pubsub', pubsubOrder(heard()), stored);
  });

  it('Redis taken away mid-replay: Kafka does not wait; when Redis is back the pub/sub relay delivers the rest', async () => {
    if (!redisUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const server = new URL(redisUrl);
    // The platform's Redis and the subscriber's, each through a proxy, so the subscriber can be back before the
    // platform is: Redis keeps nothing for a subscriber that is away.
    const platformSide = await TcpProxy.start(server.hostname, Number(server.port || 6379));
    const subscriberSide = await TcpProxy.start(server.hostname, Number(server.port || 6379));
    cleanup.push(
      () => platformSide.close(),
      () => subscriberSide.close(),
    );
    const via = (proxy: TcpProxy) => {
      const url = new URL(redisUrl);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      return url.toString();
    };
    const { url, strategies, ids } = await prepareDatabase();
    const suffix = uniqueSuffix();
    const platform = await startPlatform(
      testPlatformConfig({ suffix, databaseUrl: url, redisUrl: via(platformSide), kafkaBrokers, replaySpeed: 600 }),
      () => silent,
    );
    cleanup.push(() => platform.close());
    const reader = await consumeSignals(kafkaBrokers, `e2e-${suffix}-reader`, ids);
    cleanup.push(reader.stop);
    const subscriber = subscribeSignals(via(subscriberSide), `e2e-${suffix}:`);
    cleanup.push(subscriber.stop);
    // Probes go straight to Redis, so they show the subscriber's side alone is live.
    const direct = createRedisPubSub({ url: redisUrl, channelPrefix: `e2e-${suffix}:` });
    cleanup.push(() => direct.close());
    let probes = 0;
    const isProbe = (item: StoredSignal) => item.symbol === 'PROBE';
    const subscriberLive = () =>
      waitFor('the subscriber to be live', async () => {
        const seen = subscriber.items.filter(isProbe).length;
        await direct.publish(SIGNALS_CHANNEL, { id: `probe-${++probes}`, symbol: 'PROBE', seq: 0 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        return subscriber.items.filter(isProbe).length > seen;
      });
    await subscriberLive();

    const expectedCandles = await candlesOf(TRADES_SLICE);
    const replay = platform.startReplay();
    const kafka = relayOf(platform, 'kafka');
    const pubsub = relayOf(platform, 'pubsub');
    await waitFor('signals on the pub/sub', () => subscriber.items.some((item) => !isProbe(item)), 120_000);

    await platformSide.cut();
    for (const batch of syntheticBatches(strategies, Date.UTC(2030, 0, 1), 10)) {
      await platform.distributor.distribute(batch);
    }
    const storedDuringOutage = await latestSignalSeq(platform.database.db);
    // Kafka does not wait for Redis: everything stored so far reaches the Kafka reader while Redis is away.
    await waitFor('Kafka to deliver while Redis is down', () => kafka.stats.cursor >= storedDuringOutage);
    const onKafkaDuringOutage = new Set(reader.records.map((r) => r.id));
    const storedSoFar = (await storedSignals(platform.database.db)).filter((s) => s.seq <= storedDuringOutage);
    await waitFor(
      'the Kafka reader to have them',
      () => new Set(reader.records.map((r) => r.id)).size >= storedSoFar.length,
    );
    expect(pubsub.stats.cursor).toBeLessThan(storedDuringOutage);
    expect(storedSoFar.every((s) => new Set(reader.records.map((r) => r.id)).has(s.id))).toBe(true);
    expect(onKafkaDuringOutage.size).toBeGreaterThan(0);

    // The subscriber is cut too, comes back first and is live again before the platform's Redis returns.
    await subscriberSide.cut();
    const heardBefore = new Set(subscriber.items.filter((item) => !isProbe(item)).map((item) => item.id));
    await subscriberSide.restore();
    await subscriberLive();
    const cursorAtReconnect = pubsub.stats.cursor;
    const reconnectedAt = subscriber.items.length;
    await platformSide.restore();

    await replay;
    await waitFor(
      'the engine to see every candle',
      () => platform.engine.engine.stats.candles >= expectedCandles.length,
      170_000,
    );
    await settled('signals to be stored', () => latestSignalSeq(platform.database.db));
    const latest = await latestSignalSeq(platform.database.db);
    await waitFor('the pub/sub relay to catch up', () => pubsub.stats.cursor >= latest, 120_000);
    await waitFor('the Kafka relay to catch up', () => kafka.stats.cursor >= latest);
    const stored = await storedSignals(platform.database.db);
    const heard = () => subscriber.items.filter((item) => !isProbe(item));
    // What the relay had still to deliver when the subscriber came back: after its cursor, less what the batch
    // in flight at the cut had already published before it.
    const due = stored.filter((s) => s.seq > cursorAtReconnect && !heardBefore.has(s.id)).map((s) => s.id);
    const afterReconnect = () =>
      subscriber.items
        .slice(reconnectedAt)
        .filter((item) => !isProbe(item))
        .map((item) => item.id);
    await waitFor('the subscriber to hear everything after the cursor', () => afterReconnect().length >= due.length);
    await waitForEvery('Kafka', stored, () => new Set(reader.records.map((r) => r.id)));

    // After it reconnected, the subscriber heard exactly what the relay delivered from its cursor on.
    expect(afterReconnect()).toEqual(due);
    expect(due.length).toBeGreaterThan(0);
    expect(heardBefore.size).toBeGreaterThan(0);
    // And over the whole run, nothing was lost or repeated on either channel.
    expectExactlyOnceInOrder('pubsub', pubsubOrder(heard()), stored);
    expectExactlyOnceInOrder('kafka', kafkaOrder(reader.records), stored);
  });

  it('kill -9 while signals are being stored, restart on the same database: Kafka has every stored signal, deduplicated exactly once', async () => {
    if (!kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const { url, ids } = await prepareDatabase();
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    cleanup.push(() => sql.end());
    const suffix = uniqueSuffix();
    const reader = await consumeSignals(kafkaBrokers, `e2e-${suffix}-reader`, ids);
    cleanup.push(reader.stop);
    const env = {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: '',
      KAFKA_BROKERS: kafkaBrokers,
      CONSUMER_GROUP_PREFIX: `e2e-kill-${suffix}`,
      MARKET_DATA: `replay:${BUNDLED_TRADES}`,
      // 2.5 days of trades in about 12 s.
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
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      return child;
    };
    const scalar = async (query: string) => {
      try {
        const [row] = await sql.unsafe(query);
        return Number(row?.['n'] ?? 0);
      } catch {
        return 0; // the tables do not exist before the first start has migrated
      }
    };
    const storedCount = () => scalar('select count(*)::int as n from signals');
    const kafkaCursor = () =>
      scalar(`select coalesce(max(last_seq), 0)::int as n from delivery_cursors where channel = 'kafka'`);
    const minutes = (await candlesOf(BUNDLED_TRADES)).filter((c) => c.interval === '1m').length;

    const first = launch();
    // Killed while the engine is storing signals: some are stored, the replay is not half done.
    await waitFor('signals being stored', async () => (await storedCount()) >= 50, 120_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = { stored: await storedCount(), delivered: await kafkaCursor() };

    const second = launch();
    await waitFor(
      'every candle after the restart',
      async () => (await scalar(`select count(*)::int as n from candles where interval = '1m'`)) >= minutes,
      150_000,
    );
    await settled('signals to be stored', storedCount);
    const opened = await openDatabase({ url });
    cleanup.push(() => opened.close());
    const stored = await storedSignals(opened.db);
    await waitFor(
      'the Kafka relay to catch up',
      async () => (await kafkaCursor()) >= (stored.at(-1)?.seq ?? 0),
      120_000,
    );
    await waitForEvery('Kafka', stored, () => new Set(reader.records.map((r) => r.id)));
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));

    expect(atKill.stored, output.join('').slice(-2_000)).toBeLessThan(stored.length);
    // At least once: every stored signal was consumed; deduplicated by signal_id, exactly the stored set, and
    // each symbol's first sightings in delivery order.
    const firstSightings = reader.records.filter(
      (record, index) => reader.records.findIndex((other) => other.id === record.id) === index,
    );
    expectExactlyOnceInOrder('kafka (deduplicated)', kafkaOrder(firstSightings), stored);
    // A redelivery can only be of what was in flight at the kill: signals after the saved cursor.
    const bySeq = new Map(stored.map((s) => [s.id, s.seq]));
    const repeated = reader.records.filter((record) => !firstSightings.includes(record));
    expect(repeated.every((record) => (bySeq.get(record.id) ?? 0) > atKill.delivered)).toBe(true);
  });

  it('the reply to a signal COMMIT lost on the wire: the retry finds the row, and Kafka gets it once', async () => {
    if (!databaseUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const { url, ids } = await prepareDatabase();
    const target = new URL(url);
    const proxy = await CommitCuttingProxy.start(target.hostname, Number(target.port || 5432));
    cleanup.push(() => proxy.close());
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const suffix = uniqueSuffix();
    const platform = await startPlatform(
      testPlatformConfig({ suffix, databaseUrl: viaProxy.toString(), kafkaBrokers }),
      () => silent,
    );
    cleanup.push(() => platform.close());
    const reader = await consumeSignals(kafkaBrokers, `e2e-${suffix}-reader`, ids);
    cleanup.push(reader.stop);

    const expectedCandles = await candlesOf(TRADES_SLICE);
    await platform.startReplay();
    await waitFor(
      'the engine to see every candle',
      () => platform.engine.engine.stats.candles >= expectedCandles.length,
      170_000,
    );
    await settled('signals to be stored', () => latestSignalSeq(platform.database.db));
    const latest = await latestSignalSeq(platform.database.db);
    const kafka = relayOf(platform, 'kafka');
    await waitFor('the Kafka relay to catch up', () => kafka.stats.cursor >= latest);
    const stored = await storedSignals(platform.database.db);
    await waitForEvery('Kafka', stored, () => new Set(reader.records.map((r) => r.id)));

    // The cut happened after the COMMIT reached the server, which committed it; the client never heard back.
    expect(proxy.cuts).toBe(1);
    expect(proxy.committedOnServer).toBe(true);
    // The distributor's retry of that batch found every one of its signals already stored.
    expect(platform.distributor.stats.duplicates).toBeGreaterThan(0);
    expectExactlyOnceInOrder('kafka', kafkaOrder(reader.records), stored);
  });
});
