import { API_KEY_REVOCATIONS_CHANNEL, hashApiKey, type Identity, IdentityVerifier, isRole } from '@alphintra/auth';
import { type ClosablePubSub, createMemoryPubSub, type EventBus, MemoryEventBus, TOPICS } from '@alphintra/bus';
import type { CandleStore } from '@alphintra/core';
import {
  type Database,
  type Db,
  DrizzleCandleStore,
  findApiKey,
  latestSignalSeq,
  openDatabase,
  type StoredOutcome,
} from '@alphintra/db';
import { gatewayMetricsPlugins, type RunningGateway, startGateway } from '@alphintra/gateway';
import {
  BinanceProvider,
  CoinbaseProvider,
  parseReplaySpec,
  parseSymbolMap,
  type ReplaySource,
} from '@alphintra/market-data';
import { startMarketDataSubgraph } from '@alphintra/market-data-subgraph';
import { startSignalSubgraph } from '@alphintra/signal-subgraph';
import { startStrategySubgraph } from '@alphintra/strategy-subgraph';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import { DEFAULT_WEBHOOK_SETTINGS, WebhookDispatcher, type WebhookSettings, webhookChannel } from '@alphintra/webhooks';
import { BacktestService } from './backtest-service.ts';
import { kafkaChannel, kafkaOutcomeChannel, pubsubChannel } from './channels.ts';
import {
  type BacktestSettings,
  DEFAULT_BACKTEST_SETTINGS,
  DEFAULT_SIGNALS_PARTITIONS,
  type PlatformConfig,
} from './config.ts';
import { seedDefaultStrategies } from './defaults.ts';
import { SignalDistributor } from './distributor.ts';
import { EngineService } from './engine-service.ts';
import { gatewayLogger, type Log, processLog } from './log.ts';
import { MarketDataService, type MarketSource, PLATFORM_INTERVALS } from './market-data-service.ts';
import { PlatformMetrics } from './metrics.ts';
import { registerExampleModel } from './models.ts';
import { OutcomeService, outcomeOutbox } from './outcome-service.ts';
import { CursorWriter, OutboxReader, OutboxRelay } from './relay.ts';

/** A running platform. */
export interface Platform {
  readonly gateway: RunningGateway;
  readonly subgraphs: readonly RunningSubgraph[];
  readonly database: Database;
  readonly candles: CandleStore;
  readonly bus: EventBus;
  readonly pubsub: ClosablePubSub;
  readonly marketData: MarketDataService;
  readonly engine: EngineService;
  readonly distributor: SignalDistributor;
  /** The outbox relays, one per delivery channel. */
  readonly relays: readonly OutboxRelay[];
  /** Follows every live signal to its outcome (`Signal.outcome`). */
  readonly outcomes: OutcomeService;
  /** Delivers the closed outcomes to Kafka `trading.signal-outcomes` (its cursor: `kafka-outcomes`). */
  readonly outcomeRelay: OutboxRelay<StoredOutcome>;
  /** Sends the webhook deliveries the `webhooks` relay queues. */
  readonly webhooks: WebhookDispatcher;
  /** Runs the queued backtest jobs. */
  readonly backtests: BacktestService;
  /** The Prometheus metrics the gateway serves at `/metrics`. */
  readonly metrics: PlatformMetrics;
  /** Which engine backs each part: `memory`/`pglite` on embedded defaults. */
  readonly engines: { readonly database: string; readonly pubsub: string; readonly bus: string };
  /** Starts the replay (when `autoStartReplay` was false); resolves when the file ends (never when looping). */
  startReplay(): Promise<void>;
  close(): Promise<void>;
}

/** The providers or files the configuration names. */
function marketSource(config: PlatformConfig): MarketSource {
  const { replay, live } = config.marketData;
  if (replay !== null) {
    const sources: ReplaySource[] = replay.flatMap((spec) => parseReplaySpec(spec));
    return { kind: 'replay', sources, speed: config.replaySpeed, loop: config.replayLoop };
  }
  if (live === null) throw new Error('no market data source configured');
  const retry = { maxRetries: live.restMaxRetries };
  const breaker = { failures: live.breakerFailures, cooldownMs: live.breakerCooldownMs };
  const primary = new BinanceProvider({
    wsUrl: live.binance.wsUrl,
    restUrl: live.binance.restUrl,
    weightPerMinute: live.binance.weightPerMinute,
    maxConnectionMs: live.binance.maxConnectionMs,
    staleAfterMs: live.heartbeatMs,
    breaker,
    ...retry,
  });
  const products = live.coinbase === null ? null : parseSymbolMap(live.coinbase.products);
  const backup =
    live.coinbase === null || products === null
      ? undefined
      : new CoinbaseProvider({
          wsUrl: live.coinbase.wsUrl,
          restUrl: live.coinbase.restUrl,
          products,
          requestsPerSecond: live.coinbase.requestsPerSecond,
          breaker,
        });
  return {
    kind: 'live',
    primary,
    backup,
    ...(products === null ? {} : { backupServes: (symbol: string) => products.has(symbol) }),
    symbols: live.symbols,
    failoverAfterMs: live.failoverAfterMs,
    failbackAfterMs: live.failbackAfterMs,
    warmupCandles: live.warmupCandles,
  };
}

/** The identity an API key gives, read from the database on every request (so a revocation holds at once). */
async function apiKeyIdentity(db: Db, key: string): Promise<Identity | null> {
  const found = await findApiKey(db, hashApiKey(key));
  if (!found || !isRole(found.role)) return null;
  return { sub: found.owner, role: found.role, apiKeyId: found.id };
}

async function openBus(config: PlatformConfig, log: Log): Promise<EventBus> {
  if (config.kafkaBrokers.length === 0) return new MemoryEventBus();
  const { KafkaEventBus } = await import('@alphintra/bus/kafka');
  return new KafkaEventBus({
    brokers: config.kafkaBrokers,
    clientId: 'alphintra-platform',
    logger: log,
    ...config.kafkaSecurity,
    partitions: { [TOPICS.signals]: config.signalsPartitions ?? DEFAULT_SIGNALS_PARTITIONS },
  });
}

async function openPubSub(config: PlatformConfig, log: Log): Promise<ClosablePubSub> {
  if (!config.redisUrl) return createMemoryPubSub();
  const { createRedisPubSub } = await import('@alphintra/bus/redis');
  return createRedisPubSub({
    url: config.redisUrl,
    logger: log,
    ...(config.redisTls ? { tls: config.redisTls } : {}),
    ...(config.redisChannelPrefix ? { channelPrefix: config.redisChannelPrefix } : {}),
  });
}

/** What the subgraphs and the gateway run on. */
interface ApiParts {
  readonly config: PlatformConfig;
  readonly database: Database;
  readonly bus: EventBus;
  readonly pubsub: ClosablePubSub;
  readonly candles: CandleStore;
  readonly metrics: PlatformMetrics;
  readonly webhooks: WebhookSettings;
  readonly backtests: BacktestSettings;
  /** Webhook deliveries were queued: the dispatcher of this process looks now (elsewhere it polls). */
  readonly wakeWebhooks: () => void;
  /** A backtest was queued: the runner of this process looks now (elsewhere it polls). */
  readonly wakeBacktests: () => void;
}

/** The three subgraphs and the gateway in front of them. */
async function startApi(
  parts: ApiParts,
  logFor: (component: string) => Log,
  onClose: (name: string, close: () => Promise<void>) => void,
): Promise<{ gateway: RunningGateway; subgraphs: RunningSubgraph[] }> {
  const { config, database, bus, pubsub, candles, metrics } = parts;
  const log = logFor('platform');
  const host = '127.0.0.1';
  const auth = config.auth ?? null;
  if (auth === null) {
    log.warn(
      'development mode: no AUTH_JWT_SECRET or AUTH_JWKS_URL, so every caller is an admin; set one before exposing the gateway',
    );
  } else {
    log.info(`authentication: ${auth.jwtSecret ? 'HS256 tokens' : `tokens from ${auth.jwksUrl}`} and API keys`);
  }
  const identity = auth === null ? undefined : new IdentityVerifier(auth.internalSecret);
  const subgraphs = await Promise.all([
    startStrategySubgraph(
      {
        db: database.db,
        bus,
        intervals: PLATFORM_INTERVALS,
        maxStrategies: config.maxStrategies,
        maxModelBytes: config.maxModelBytes,
        onApiKeyRevoked: (id) =>
          pubsub
            .publish(API_KEY_REVOCATIONS_CHANNEL, { id })
            .catch((error: unknown) =>
              logFor('strategy').warn(`API key ${id} is revoked, but open subscriptions were not told`, error),
            ),
        onEventError: (error, event) =>
          logFor('strategy').warn(
            `${event.type} of strategy ${event.strategyId} committed, but its event was not produced; engines reconcile from the database`,
            error,
          ),
      },
      { port: config.subgraphPorts.strategy, host, identity },
    ),
    startMarketDataSubgraph(
      { db: database.db, candles, intervals: PLATFORM_INTERVALS, pubsub },
      { port: config.subgraphPorts.marketData, host, identity },
    ),
    startSignalSubgraph(
      {
        db: database.db,
        pubsub,
        webhooks: parts.webhooks,
        onWebhookDue: parts.wakeWebhooks,
        backtests: parts.backtests,
        intervals: PLATFORM_INTERVALS,
        onBacktestQueued: parts.wakeBacktests,
      },
      { port: config.subgraphPorts.signal, host, identity },
    ),
  ]);
  for (const subgraph of subgraphs) onClose(`${subgraph.name} subgraph`, () => subgraph.close());
  const gateway = await startGateway({
    subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
    port: config.port,
    host: config.host,
    plugins: [...gatewayMetricsPlugins(metrics.registry), ...(config.gatewayPlugins ?? [])],
    readiness: {
      database: () => latestSignalSeq(database.db),
      bus: async () => bus.ping?.(),
      pubsub: async () => pubsub.ping?.(),
    },
    logging: config.gatewayLogging ?? gatewayLogger(logFor('gateway')),
    auth:
      auth === null
        ? undefined
        : {
            ...auth,
            verifyApiKey: (key) => apiKeyIdentity(database.db, key),
            // Through the pub/sub (Redis when configured), so a revocation reaches every gateway process.
            onApiKeyRevoked: (listener) =>
              void pubsub.subscribe(API_KEY_REVOCATIONS_CHANNEL, (m: { id: string }) => listener(m.id), {}),
          },
    ...(config.limits === undefined ? {} : { limits: config.limits }),
  });
  onClose('gateway', () => gateway.close());
  return { gateway, subgraphs };
}

/** What a process started, closed in reverse order: `onClose` as each part starts, `closeAll` to stop. */
function closers(log: Log) {
  const parts: { name: string; close: () => Promise<void> }[] = [];
  const onClose = (name: string, close: () => Promise<void>) => {
    parts.push({ name, close });
  };
  const closeAll = async () => {
    for (const { name, close } of parts.reverse()) {
      if (process.env['DEBUG_SHUTDOWN']) log.info(`closing ${name}`);
      await close().catch((error: unknown) => log.warn(`error while closing ${name}`, error));
    }
    parts.length = 0;
  };
  return { onClose, closeAll };
}

/** A running API process (`PLATFORM_ROLE=api`). */
export interface ApiProcess {
  readonly gateway: RunningGateway;
  readonly subgraphs: readonly RunningSubgraph[];
  readonly database: Database;
  close(): Promise<void>;
}

/**
 * Starts only the API, the three subgraphs and the gateway, on the PostgreSQL, Redis and bus of a platform that runs
 * in another process (`PLATFORM_ROLE=api`): to serve more clients, or to keep GraphQL off the process that stores
 * and delivers signals. Subscriptions are fed by the Redis pub/sub and queries read PostgreSQL; strategy changes
 * reach the engines through the database (and the bus, when it is Kafka); what this process queues (webhook
 * deliveries, backtests) is picked up by the platform's dispatcher and runner at their next poll.
 */
export async function startApiProcess(
  config: PlatformConfig,
  logFor: (component: string) => Log = processLog,
): Promise<ApiProcess> {
  if (!config.databaseUrl || !config.redisUrl) {
    throw new Error(
      'an API process needs the PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) of the platform it serves',
    );
  }
  const { onClose, closeAll } = closers(logFor('platform'));
  try {
    const database = await openDatabase({ url: config.databaseUrl });
    onClose('database', () => database.close());
    const bus = await openBus(config, logFor('kafka'));
    onClose('bus', () => bus.close());
    const pubsub = await openPubSub(config, logFor('redis'));
    onClose('pub/sub', () => pubsub.close());
    const metrics = new PlatformMetrics({ db: database.db, bus, channels: () => [] });
    const { gateway, subgraphs } = await startApi(
      {
        config,
        database,
        bus,
        pubsub,
        candles: new DrizzleCandleStore(database.db),
        metrics,
        webhooks: config.webhooks ?? DEFAULT_WEBHOOK_SETTINGS,
        backtests: config.backtests ?? DEFAULT_BACKTEST_SETTINGS,
        wakeWebhooks: () => {},
        wakeBacktests: () => {},
      },
      logFor,
      onClose,
    );
    return { gateway, subgraphs, database, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Starts the whole platform in one process: database (migrated), bus and pub/sub, market data, inference
 * engine, the three subgraphs and the gateway; then the replay of recorded trades.
 */
export async function startPlatform(
  config: PlatformConfig,
  logFor: (component: string) => Log = processLog,
): Promise<Platform> {
  const log = logFor('platform');
  const { onClose, closeAll } = closers(log);
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir ?? undefined });
    onClose('database', () => database.close());
    const bus = await openBus(config, logFor('kafka'));
    onClose('bus', () => bus.close());
    const signalsPartitions = config.signalsPartitions ?? DEFAULT_SIGNALS_PARTITIONS;
    await bus.ensureTopics(
      Object.values(TOPICS).map((topic) =>
        topic === TOPICS.signals ? { topic, partitions: signalsPartitions } : { topic },
      ),
    );
    const pubsub = await openPubSub(config, logFor('redis'));
    onClose('pub/sub', () => pubsub.close());
    const channels: string[] = [];
    const metrics = new PlatformMetrics({ db: database.db, bus, channels: () => channels });

    const candles = new DrizzleCandleStore(database.db);
    const groupPrefix = config.consumerGroupPrefix ?? 'alphintra';
    const source = marketSource(config);
    const marketData = new MarketDataService({
      db: database.db,
      store: candles,
      bus,
      pubsub,
      log: logFor('market-data'),
      source,
      settings: config.marketData,
      produceTrades: bus.kind === 'kafka',
      groupPrefix,
      ...(config.clock ? { now: config.clock } : {}),
      onTrade: (trade) => metrics.trade(trade),
      onCandle: (candle) => metrics.candle(candle),
    });
    onClose('market data', () => marketData.stop());
    if (await registerExampleModel(database.db)) log.info('registered the example model (example-logreg v1)');
    if (source.kind === 'replay' && config.seedDefaultStrategies) {
      const [symbol] = await marketData.replaySymbols();
      if (symbol !== undefined) {
        const seeded = await seedDefaultStrategies(database.db, symbol, {
          withModel: config.seedModelStrategy ?? false,
        });
        if (seeded > 0) log.info(`created ${seeded} default strategies on ${symbol}`);
      }
    }

    // The outbox relays: one per channel, each with its own cursor, woken by every stored batch.
    const webhookSettings = config.webhooks ?? DEFAULT_WEBHOOK_SETTINGS;
    const webhooks = new WebhookDispatcher({
      db: database.db,
      log: logFor('webhooks'),
      settings: webhookSettings,
      onAttempt: (_delivery, _result, outcome) => metrics.webhookAttempt(outcome.status),
    });
    webhooks.start();
    onClose('webhook dispatcher', () => webhooks.stop());
    const webhooksQueue = webhookChannel({ db: database.db, onQueued: () => webhooks.wake() });
    const reader = new OutboxReader(database.db);
    // Every relay of this process writes its cursor through one writer: one statement for all of them.
    const cursors = new CursorWriter({ db: database.db, log: logFor('relays') });
    const relays = [pubsubChannel(pubsub), kafkaChannel(bus), webhooksQueue].map(
      (channel) =>
        new OutboxRelay({
          db: database.db,
          channel,
          reader: reader.follower(),
          cursors,
          log: logFor(`relay ${channel.name}`),
          onDelivered: (signals) => metrics.signalsDelivered(channel.name, signals),
        }),
    );
    channels.push(...relays.map((relay) => relay.name));
    for (const relay of relays) {
      await relay.start();
      onClose(`relay ${relay.name}`, () => relay.stop());
    }
    // Outcomes: a follower reading the signal outbox with a cursor of its own, and a relay of the closed outcomes.
    const outcomeRelay = new OutboxRelay<StoredOutcome>({
      db: database.db,
      channel: kafkaOutcomeChannel(bus),
      reader: outcomeOutbox(database.db),
      cursors,
      log: logFor('relay kafka-outcomes'),
    });
    await outcomeRelay.start();
    onClose('relay kafka-outcomes', () => outcomeRelay.stop());
    const outcomes = new OutcomeService({
      db: database.db,
      store: candles,
      bus,
      reader: reader.follower(),
      cursors,
      log: logFor('outcomes'),
      onClosed: () => outcomeRelay.wake(),
    });
    await outcomes.start(groupPrefix);
    onClose('outcomes', () => outcomes.stop());
    const distributor = new SignalDistributor({
      db: database.db,
      log: logFor('distributor'),
      // The relays of this process take each committed batch from memory (the reader keeps it) rather than read it
      // back; relays elsewhere, and these after a gap, read the outbox.
      onStoring: () => reader.storing(),
      onStored: (batch) => {
        reader.stored(batch);
        if (batch.signals.length === 0) return;
        for (const relay of relays) relay.wake();
        outcomes.wake();
      },
    });
    onClose('distributor', async () => distributor.stop());
    const engine = new EngineService({
      db: database.db,
      store: candles,
      bus,
      distributor,
      log: logFor('engine'),
      onStored: (signals, closedAtEpochMs) => metrics.signalsStored(signals, closedAtEpochMs),
    });
    await engine.start(groupPrefix);
    onClose('engine', () => engine.stop());
    const backtestSettings = config.backtests ?? DEFAULT_BACKTEST_SETTINGS;
    const backtests = new BacktestService({
      db: database.db,
      store: candles,
      pubsub,
      log: logFor('backtests'),
      settings: backtestSettings,
    });
    await backtests.start();
    onClose('backtests', () => backtests.stop());
    await marketData.start();

    const { gateway, subgraphs } = await startApi(
      {
        config,
        database,
        bus,
        pubsub,
        candles,
        metrics,
        webhooks: webhookSettings,
        backtests: backtestSettings,
        wakeWebhooks: () => webhooks.wake(),
        wakeBacktests: () => backtests.wake(),
      },
      logFor,
      onClose,
    );

    // After a restart on kept data, replay what was already stored at full speed: it re-creates the same candles,
    // which the store recognises and the engine does not see again, and new ones flow again at once.
    let replay: Promise<void> | null = null;
    const startReplay = async () => {
      if (source.kind !== 'replay') throw new Error('the market data source is live, not a replay');
      if (replay === null) {
        const resumeAt = await marketData.storedUntil();
        if (resumeAt !== null) log.info(`resuming: catching up to ${new Date(resumeAt).toISOString()} at full speed`);
        replay = marketData.replay(resumeAt === null ? {} : { fastForwardUntil: resumeAt });
      }
      return replay;
    };
    if (config.autoStartReplay && source.kind === 'replay') {
      startReplay().catch((error: unknown) => log.error('replay failed', error));
    }
    return {
      gateway,
      subgraphs,
      database,
      candles,
      bus,
      pubsub,
      marketData,
      engine,
      distributor,
      relays,
      outcomes,
      outcomeRelay,
      webhooks,
      backtests,
      metrics,
      engines: {
        database: database.kind,
        pubsub: config.redisUrl ? 'redis' : 'memory',
        bus: bus.kind,
      },
      startReplay,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
