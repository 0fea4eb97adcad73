import { readFileSync } from 'node:fs';
import { TOPICS } from '@alphintra/bus';
import { type Candle, candleChannel } from '@alphintra/core';
import { listSignals, runningStrategySpecs } from '@alphintra/db';
import { type Log, type Platform, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, TcpProxy, uniqueSuffix } from '@alphintra/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backtestOf,
  candlesOf,
  collect,
  PROBE_CANDLE_OPEN,
  probeUntilLive,
  TRADES_SLICE,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const enabled = databaseUrl !== undefined && redisUrl !== undefined && kafkaBrokers !== undefined;

const key = (c: Pick<Candle, 'interval' | 'openTime'>) => `${c.interval}@${c.openTime}`;

describe.skipIf(!enabled)('the platform while Redis is down', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('keeps candles flowing to the store, Kafka and the engine; the subscription works again when Redis is back', async () => {
    if (!databaseUrl || !redisUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
    const server = new URL(redisUrl);
    const proxy = await TcpProxy.start(server.hostname, Number(server.port || 6379));
    cleanup.push(() => proxy.close());
    const database = await createTestDatabase(databaseUrl);
    cleanup.push(database.drop);
    const viaProxy = new URL(redisUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);

    const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
    const suffix = uniqueSuffix();
    const platform: Platform = await startPlatform(
      testPlatformConfig({ suffix, databaseUrl: database.url, redisUrl: viaProxy.toString(), kafkaBrokers }),
      () => silent,
    );
    cleanup.push(() => platform.close());

    // A user's consumer of market.candles, and a candle subscriber on the pub/sub (through Redis).
    const kafka = new Kafka({ clientId: 'e2e', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-${suffix}-candles`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics: [TOPICS.candles, TOPICS.trades], fromBeginning: false });
    const onKafka: Candle[] = [];
    const trades: { key: string; value: Record<string, unknown> }[] = [];
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = JSON.parse(message.value?.toString() ?? 'null');
        if (topic === TOPICS.trades) trades.push({ key: message.key?.toString() ?? '', value });
        else if (value.symbol === 'XRPETH') onKafka.push(value as Candle);
      },
    });
    await joined;
    cleanup.push(() => consumer.disconnect());
    const subscribed = collect(
      platform.pubsub.asyncIterableIterator<Candle>(candleChannel('XRPETH', '1m')) as AsyncIterableIterator<Candle>,
    );
    cleanup.push(subscribed.stop);
    await probeUntilLive(platform, () => subscribed.items.length > 0);
    const published = () => subscribed.items.filter((c) => new Date(c.openTime).toISOString() !== PROBE_CANDLE_OPEN);

    const expected = await candlesOf(TRADES_SLICE);
    const expectedMinutes = expected.filter((c) => c.interval === '1m');
    const expectedSignals = await backtestOf(
      platform.database.db,
      await runningStrategySpecs(platform.database.db),
      expected,
    );

    await proxy.cut();
    const replay = platform.startReplay();
    await replay;
    await waitFor('every candle on Kafka', () => onKafka.length >= expected.length);
    await waitFor('the engine to see every candle', () => platform.engine.engine.stats.candles >= expected.length);
    await waitFor('every signal stored', async () => {
      const page = await listSignals(platform.database.db, { first: 1_000 });
      return page.items.length >= expectedSignals.length;
    });
    // Redis was down the whole time: the subscriber has had nothing, and nothing else waited for it.
    expect(published()).toEqual([]);
    expect(onKafka.map(key).sort()).toEqual(expected.map(key).sort());
    // Every normalized trade is on market.trades too, keyed by symbol, exactly as recorded.
    const recorded = readFileSync(TRADES_SLICE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { s: string; t: number; T: number; p: string; q: string; m: boolean });
    await waitFor('every trade on Kafka', () => trades.length >= recorded.length);
    expect(trades.map((t) => [t.key, t.value])).toEqual(
      recorded.map((r) => [
        'XRPETH',
        {
          source: 'replay',
          symbol: r.s,
          tradeId: String(r.t),
          time: r.T,
          price: r.p,
          quantity: r.q,
          takerSide: r.m ? 'SELL' : 'BUY',
        },
      ]),
    );
    const stored = await platform.candles.query({ symbol: 'XRPETH', interval: '1m' });
    expect(stored.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume])).toEqual(
      expectedMinutes.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume]),
    );

    await proxy.restore();
    // Redis pub/sub is at-most-once: what was published while the subscriber's connection was down may be gone,
    // but the subscription itself comes back.
    const before = subscribed.items.length;
    await probeUntilLive(platform, () => subscribed.items.length > before);
  });
});
