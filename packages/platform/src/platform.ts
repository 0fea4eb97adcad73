import { type ClosablePubSub, createMemoryPubSub, type EventBus, MemoryEventBus, TOPICS } from '@alphintra/bus';
import type { Interval } from '@alphintra/core';
import { type Database, listSignals, openDatabase } from '@alphintra/db';
import { type RunningGateway, startGateway } from '@alphintra/gateway';
import { readTradeFile } from '@alphintra/market-data';
import { startMarketDataSubgraph } from '@alphintra/market-data-subgraph';
import { startSignalSubgraph } from '@alphintra/signal-subgraph';
import { startStrategySubgraph } from '@alphintra/strategy-subgraph';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import type { PlatformConfig } from './config.ts';
import { seedDefaultStrategies } from './defaults.ts';
import { SignalDistributor } from './distributor.ts';
import { EngineService } from './engine-service.ts';
import { consoleLog, type Log } from './log.ts';
import { MarketDataService } from './market-data-service.ts';

/** Candle intervals the platform aggregates and strategies may use. */
export const PLATFORM_INTERVALS: readonly Interval[] = ['1m'];

/** A running platform. */
export interface Platform {
  readonly gateway: RunningGateway;
  readonly subgraphs: readonly RunningSubgraph[];
  readonly database: Database;
  readonly bus: EventBus;
  readonly pubsub: ClosablePubSub;
  readonly marketData: MarketDataService;
  readonly engine: EngineService;
  readonly distributor: SignalDistributor;
  /** Which engine backs each part: `memory`/`pglite` on embedded defaults. */
  readonly engines: { readonly database: string; readonly pubsub: string; readonly bus: string };
  /** Starts the replay (when `autoStartReplay` was false); resolves when the file ends (never when looping). */
  startReplay(): Promise<void>;
  close(): Promise<void>;
}

async function firstSymbol(file: string): Promise<string> {
  for await (const trade of readTradeFile(file, { onMalformed: () => {} })) return trade.symbol;
  throw new Error(`${file} holds no valid trade`);
}

async function openBus(config: PlatformConfig): Promise<EventBus> {
  if (config.kafkaBrokers.length === 0) return new MemoryEventBus();
  const { KafkaEventBus } = await import('@alphintra/bus/kafka');
  return new KafkaEventBus({
    brokers: config.kafkaBrokers,
    clientId: 'alphintra-platform',
  });
}

async function openPubSub(config: PlatformConfig): Promise<ClosablePubSub> {
  if (!config.redisUrl) return createMemoryPubSub();
  const { createRedisPubSub } = await import('@alphintra/bus/redis');
  return createRedisPubSub({
    url: config.redisUrl,
    ...(config.redisChannelPrefix ? { channelPrefix: config.redisChannelPrefix } : {}),
  });
}

/**
 * Starts the whole platform in one process: database (migrated), bus and pub/sub, market data, inference
 * engine, the three subgraphs and the gateway; then the replay of recorded trades.
 */
export async function startPlatform(
  config: PlatformConfig,
  logFor: (component: string) => Log = consoleLog,
): Promise<Platform> {
  const log = logFor('platform');
  const closers: { name: string; close: () => Promise<void> }[] = [];
  const onClose = (name: string, close: () => Promise<void>) => closers.push({ name, close });
  const closeAll = async () => {
    for (const { name, close } of closers.reverse()) {
      if (process.env['DEBUG_SHUTDOWN']) log.info(`closing ${name}`);
      await close().catch((error: unknown) => log.warn(`error while closing ${name}`, error));
    }
    closers.length = 0;
  };
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir ?? undefined });
    onClose('database', () => database.close());
    const bus = await openBus(config);
    onClose('bus', () => bus.close());
    await bus.ensureTopics(Object.values(TOPICS).map((topic) => ({ topic })));
    const pubsub = await openPubSub(config);
    onClose('pub/sub', () => pubsub.close());

    const symbol = await firstSymbol(config.replayFile);
    const marketData = new MarketDataService({
      symbols: [symbol],
      intervals: PLATFORM_INTERVALS,
      bus,
      pubsub,
      log: logFor('market-data'),
    });
    onClose('market data', () => marketData.stop());
    if (config.seedDefaultStrategies) {
      const seeded = await seedDefaultStrategies(database.db, symbol);
      if (seeded > 0) log.info(`created ${seeded} default strategies on ${symbol}`);
    }

    const distributor = new SignalDistributor({ db: database.db, pubsub, bus, log: logFor('distributor') });
    onClose('distributor', async () => distributor.stop());
    const engine = new EngineService({ db: database.db, bus, distributor, log: logFor('engine') });
    await engine.start(config.consumerGroupPrefix ?? 'alphintra');
    onClose('engine', () => engine.stop());

    const host = '127.0.0.1';
    const subgraphs = await Promise.all([
      startStrategySubgraph(
        { db: database.db, bus, isKnownSymbol: (s) => marketData.hasSymbol(s), intervals: PLATFORM_INTERVALS },
        { port: config.subgraphPorts.strategy, host },
      ),
      startMarketDataSubgraph(
        {
          candles: marketData.candles,
          instruments: () => marketData.instruments(),
          intervals: PLATFORM_INTERVALS,
          pubsub,
        },
        { port: config.subgraphPorts.marketData, host },
      ),
      startSignalSubgraph({ db: database.db, pubsub }, { port: config.subgraphPorts.signal, host }),
    ]);
    for (const subgraph of subgraphs) onClose(`${subgraph.name} subgraph`, () => subgraph.close());
    const gateway = await startGateway({
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
      port: config.port,
      host: config.host,
      plugins: [...(config.gatewayPlugins ?? [])],
      ...(config.gatewayLogging === undefined ? {} : { logging: config.gatewayLogging }),
    });
    onClose('gateway', () => gateway.close());

    // After a restart on kept data, replay what was already played at full speed: it re-creates the same
    // signals (same ids, so they are recognised as duplicates) and new ones flow again at once.
    const [latest] = (await listSignals(database.db, { first: 1 })).items;
    if (latest) log.info(`resuming: catching up to ${new Date(latest.node.timestamp).toISOString()} at full speed`);
    let replay: Promise<void> | null = null;
    const startReplay = () => {
      replay ??= marketData.replay({
        file: config.replayFile,
        speed: config.replaySpeed,
        loop: config.replayLoop,
        ...(latest ? { fastForwardUntil: latest.node.timestamp } : {}),
      });
      return replay;
    };
    if (config.autoStartReplay) {
      startReplay().catch((error: unknown) => log.error('replay failed', error));
    }
    return {
      gateway,
      subgraphs,
      database,
      bus,
      pubsub,
      marketData,
      engine,
      distributor,
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
