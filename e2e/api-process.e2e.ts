import {
  AlphintraClient,
  CreateStrategyDocument,
  LiveSignalsDocument,
  RegisterWebhookDocument,
  SignalsDocument,
} from '@alphintra/client';
import { toStandardSignal } from '@alphintra/core';
import { readOutbox, runningStrategySpecs } from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import {
  createTestDatabase,
  serviceUrl,
  startPlatformProcess,
  uniqueSuffix,
  WebhookReceiver,
} from '@alphintra/testkit';
import { DEFAULT_WEBHOOK_SETTINGS } from '@alphintra/webhooks';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backtestOf,
  candlesOf,
  collect,
  probeUntilLive,
  TRADES_SLICE,
  testPlatformConfig,
  waitFor,
} from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const redisUrl = serviceUrl('REDIS_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');

describe.skipIf(!databaseUrl || !redisUrl || !kafkaBrokers)(
  'an API process beside the platform (PLATFORM_ROLE=api)',
  () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('serves mutations, history and live signals of a platform running in another process, and what it queues is delivered', async () => {
      if (!databaseUrl || !redisUrl || !kafkaBrokers) throw new Error('unreachable: the suite is skipped');
      const created = await createTestDatabase(databaseUrl);
      cleanup.push(created.drop);
      const suffix = uniqueSuffix();
      const config = testPlatformConfig({ suffix, databaseUrl: created.url, redisUrl, kafkaBrokers });
      const platform: Platform = await startPlatform(
        {
          ...config,
          seedDefaultStrategies: false,
          // The receiver listens on 127.0.0.1.
          webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true, pollMs: 50 },
        },
        () => silentLog,
      );
      cleanup.push(() => platform.close());

      // The API in a process of its own, on the platform's PostgreSQL, Redis (same channel prefix) and Kafka.
      const api = await startPlatformProcess({
        PLATFORM_ROLE: 'api',
        DATABASE_URL: created.url,
        REDIS_URL: redisUrl,
        REDIS_CHANNEL_PREFIX: config.redisChannelPrefix ?? '',
        KAFKA_BROKERS: kafkaBrokers,
        CONSUMER_GROUP_PREFIX: config.consumerGroupPrefix ?? '',
        WEBHOOK_ALLOW_PRIVATE: 'true',
      });
      cleanup.push(async () => {
        await api.stop('SIGKILL');
      });
      const client = new AlphintraClient({ url: api.url });
      // The socket may be closing already (no subscription left): graphql-ws then rejects with the close event.
      cleanup.push(() => client.close().catch(() => {}));

      // A strategy created through the API process runs in the platform's engine.
      const template = templateById('ema-crossover');
      if (template === undefined) throw new Error('no template');
      const { createStrategy } = await client.request(CreateStrategyDocument, {
        input: {
          name: 'served elsewhere',
          source: 'NO_CODE',
          symbols: ['XRPETH'],
          document: template.document,
          activate: true,
        },
      });
      const receiver = await WebhookReceiver.start();
      cleanup.push(() => receiver.close());
      const { registerWebhook } = await client.request(RegisterWebhookDocument, {
        input: { url: receiver.url, description: 'queued by the API process' },
      });
      receiver.secrets = [registerWebhook.secret];
      const live = collect(client.subscribe(LiveSignalsDocument, { filter: { symbols: ['XRPETH'] } }));
      cleanup.push(() => live.stop().catch(() => {}));
      // The platform's engine takes the strategy up from the database (and the strategy event on Kafka).
      await waitFor('the engine to run the new strategy', () => platform.engine.engine.stats.strategies === 1);
      const specs = await runningStrategySpecs(platform.database.db);
      expect(specs.map((spec) => spec.id)).toEqual([createStrategy.strategy.id]);
      const expected = await backtestOf(platform.database.db, specs, await candlesOf(TRADES_SLICE));
      expect(expected.length).toBeGreaterThan(5);
      // The API process's subscription to the Redis pub/sub is up once a probe published here reaches the client.
      const isProbe = await probeUntilLive(platform, () => live.items.length > 0);
      const probes = live.items.length;
      await platform.startReplay();
      const stored = async () => readOutbox(platform.database.db, { afterSeq: 0, limit: 100_000 });
      await waitFor('every signal stored', async () => (await stored()).length >= expected.length, 120_000);
      const signals = await stored();
      expect(signals.map((s) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());

      // Live, through the API process's gateway: every stored signal, in delivery order, once.
      const delivered = () => live.items.map((event) => event.signals.id).filter((id) => !isProbe(id));
      await waitFor('every signal on the subscription', () => delivered().length >= signals.length);
      expect(live.items.slice(0, probes).every((event) => isProbe(event.signals.id))).toBe(true);
      expect(delivered()).toEqual(signals.map((s) => s.id));
      // History, read by the API process from PostgreSQL.
      const page = await client.request(SignalsDocument, { filter: { symbols: ['XRPETH'] }, first: 100 });
      expect(page.signals.edges.map((edge) => edge.node.id).sort()).toEqual(
        signals
          .slice(-100)
          .map((s) => s.id)
          .sort(),
      );
      // The webhook the API process registered: queued by the platform's relay and sent by its dispatcher.
      await waitFor('every signal at the webhook', () => receiver.accepted.length >= signals.length, 60_000);
      expect(receiver.accepted.map((request) => JSON.parse(request.body))).toEqual(
        signals.map((s) => toStandardSignal(s)),
      );

      // A clean stop.
      expect(await api.stop()).toBe(0);
      expect(api.output()).not.toMatch(/unhandled|uncaught|"level":50/i);
    }, 240_000);
  },
);
