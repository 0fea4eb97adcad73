import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '@alphintra/bus';
import { type Candle, candleChannel, SIGNALS_CHANNEL, type Signal, type StandardSignal } from '@alphintra/core';
import { activeStrategySpecs } from '@alphintra/db';
import { CandleAggregator, readTradeFile } from '@alphintra/market-data';
import { loadConfig, type Platform, type PlatformConfig } from '@alphintra/platform';
import { syntheticSignal } from '@alphintra/testkit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kafka, logLevel } from 'kafkajs';

/** The first 2,000 recorded XRP/ETH trades (284 one-minute candles), replayed by the end-to-end tests. */
export const TRADES_SLICE = fileURLToPath(new URL('./fixtures/binance-trade-XRPETH-2000.ndjson', import.meta.url));

/** Aggregates a trade file into candles of every interval the way a backtest would: every trade, then a final flush. */
export async function candlesOf(file: string): Promise<Candle[]> {
  const candles: Candle[] = [];
  const aggregator = new CandleAggregator({ onCandle: (candle) => candles.push(candle) });
  for await (const trade of readTradeFile(file, { onMalformed: () => {} })) aggregator.addTrade(trade);
  aggregator.flush();
  return candles;
}

/** Polls `condition` every 50 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects what an async iterator yields, in the background, until `stop`. */
export function collect<T>(iterator: AsyncIterableIterator<T>): {
  items: T[];
  error: unknown;
  stop: () => Promise<void>;
} {
  const state = { items: [] as T[], error: undefined as unknown, stop: async () => {} };
  const done = (async () => {
    try {
      for await (const item of iterator) state.items.push(item);
    } catch (error) {
      state.error = error;
    }
  })();
  state.stop = async () => {
    await iterator.return?.();
    await done;
  };
  return state;
}

/** A signal as the GraphQL API shows it (the `SignalFields` fragment), for comparing engine output to events. */
export function asGraphQL(signal: Signal) {
  return {
    id: signal.id,
    timestamp: new Date(signal.timestamp).toISOString(),
    symbol: signal.symbol,
    action: signal.action,
    confidence: signal.confidence,
    quantity: signal.quantity,
    priceTarget: signal.priceTarget,
    stopLoss: signal.stopLoss,
    takeProfit: signal.takeProfit,
    riskScore: signal.riskScore,
    strategyVersion: signal.strategyVersion,
    strategySource: signal.strategySource,
    marketDataTimestamp: new Date(signal.marketDataTimestamp).toISOString(),
    metadata: { ...signal.metadata },
    executionParams: { ...signal.executionParams },
  };
}

/** A candle as the GraphQL API shows it. */
export function asGraphQLCandle(candle: Candle) {
  return {
    symbol: candle.symbol,
    interval: candle.interval,
    openTime: new Date(candle.openTime).toISOString(),
    closeTime: new Date(candle.closeTime).toISOString(),
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
    trades: candle.trades,
    source: candle.source,
    complete: candle.complete,
  };
}

/** Platform settings for a test run: free ports, in-memory PGlite unless a database URL is given, paused replay. */
export function testPlatformConfig(options: {
  readonly suffix: string;
  readonly databaseUrl?: string | undefined;
  readonly redisUrl?: string | undefined;
  readonly kafkaBrokers?: string | undefined;
  readonly replaySpeed?: number;
  readonly gatewayPlugins?: readonly GatewayPlugin[];
}): PlatformConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    marketData: { ...defaults.marketData, replay: [TRADES_SLICE] },
    databaseUrl: options.databaseUrl,
    dataDir: null,
    redisUrl: options.redisUrl,
    redisChannelPrefix: `e2e-${options.suffix}:`,
    kafkaBrokers: options.kafkaBrokers ? options.kafkaBrokers.split(',') : [],
    consumerGroupPrefix: `e2e-${options.suffix}`,
    replaySpeed: options.replaySpeed ?? Number.POSITIVE_INFINITY,
    replayLoop: false,
    autoStartReplay: false,
    port: 0,
    host: '127.0.0.1',
    subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
    gatewayPlugins: options.gatewayPlugins ?? [],
    gatewayLogging: false,
  };
}

/**
 * Reads `trading.signals` as a user would: a plain kafkajs consumer when `kafkaBrokers` is set, else a consumer
 * on the platform's in-process bus. Resolves once the reader will see every record produced from then on.
 */
export async function readSignalTopic(platform: Platform, kafkaBrokers: string | undefined, groupId: string) {
  const reader = { messages: [] as StandardSignal[], headers: [] as string[], stop: async () => {} };
  if (kafkaBrokers) {
    const kafka = new Kafka({ clientId: 'e2e', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic: TOPICS.signals, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        reader.messages.push(JSON.parse(message.value?.toString() ?? 'null') as StandardSignal);
        reader.headers.push(message.headers?.['schema-version']?.toString() ?? '');
      },
    });
    await joined;
    reader.stop = () => consumer.disconnect();
  } else {
    const consumer = await platform.bus.consume({
      groupId,
      topics: [TOPICS.signals],
      handler: (message) => {
        reader.messages.push(JSON.parse(message.value) as StandardSignal);
        reader.headers.push(message.headers['schema-version'] ?? '');
      },
    });
    reader.stop = () => consumer.close();
  }
  return reader;
}

/**
 * Publishes probe signals (and candles) on the platform's pub/sub until every subscription reports one: then the
 * path gateway -> subgraph -> pub/sub is live and no replayed event can be missed. Returns a test for probe ids.
 */
export async function probeUntilLive(platform: Platform, isLive: () => boolean): Promise<(id: string) => boolean> {
  const [strategy] = await activeStrategySpecs(platform.database.db);
  if (!strategy) throw new Error('no active strategy to probe with');
  const probeIds = new Set<string>();
  await waitFor('the subscriptions to be live', async () => {
    // Candle close times far from the replayed ones, so a probe can never equal a real signal.
    const probe = syntheticSignal(strategy, Date.UTC(2000, 0, 1) + probeIds.size * 60_000);
    probeIds.add(probe.id);
    await platform.pubsub.publish(SIGNALS_CHANNEL, probe);
    await platform.pubsub.publish(candleChannel('XRPETH', '1m'), PROBE_CANDLE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return isLive();
  });
  // Let probes still in flight land before the caller starts counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (id) => probeIds.has(id);
}

/** Open time of the probe candle: candles with it are probes. */
export const PROBE_CANDLE_OPEN = '2000-01-01T00:00:00.000Z';

const PROBE_CANDLE: Candle = {
  symbol: 'XRPETH',
  interval: '1m',
  openTime: Date.parse(PROBE_CANDLE_OPEN),
  closeTime: Date.parse(PROBE_CANDLE_OPEN) + 60_000,
  open: '1',
  high: '1',
  low: '1',
  close: '1',
  volume: '1',
  trades: 1,
  lastTradeTime: Date.parse(PROBE_CANDLE_OPEN),
  source: 'replay',
  complete: true,
};

/**
 * A TCP proxy in front of a real server, so a test can take the server away from the platform (every connection
 * dropped, the port closed: new connections are refused) and bring it back on the same port, without touching
 * the server other tests share.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(targetHost: string, targetPort: number) {
    this.#server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.#listen();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** The server "goes away": open connections are cut and the port stops accepting. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** The server is back, on the same port. */
  restore(): Promise<void> {
    return this.#listen();
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.cut();
  }

  #listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
