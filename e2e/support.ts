import { fileURLToPath } from 'node:url';
import { TOPICS } from '@alphintra/bus';
import { GraphQLRequestError } from '@alphintra/client';
import type { StrategySpec } from '@alphintra/core';
import { type Candle, candleChannel, SIGNALS_CHANNEL, type Signal, type StandardSignal } from '@alphintra/core';
import { type Db, runningStrategySpecs } from '@alphintra/db';
import { backtest } from '@alphintra/engine';
import { CandleAggregator, readTradeFile } from '@alphintra/market-data';
import { loadConfig, loadModels, type MarketDataConfig, type Platform, type PlatformConfig } from '@alphintra/platform';
import { syntheticSignal } from '@alphintra/testkit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import Big from 'big.js';
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';

/** The first 2,000 recorded XRP/ETH trades (284 one-minute candles), replayed by the end-to-end tests. */
export const TRADES_SLICE = fileURLToPath(new URL('./fixtures/binance-trade-XRPETH-2000.ndjson', import.meta.url));

/** The repository root, and `pnpm start`'s entry point (run as a child process as `node --import tsx <it>`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PLATFORM_MAIN = fileURLToPath(new URL('../packages/platform/src/main.ts', import.meta.url));

/** What a backtest of `specs` over `candles` gives, with the model versions their documents pin loaded from `db`. */
export async function backtestOf(db: Db, specs: readonly StrategySpec[], candles: Iterable<Candle>): Promise<Signal[]> {
  return backtest(specs, candles, { models: await loadModels(db, specs) });
}

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
    explanation: { rule: signal.explanation.rule, indicators: signal.explanation.indicators.map((i) => ({ ...i })) },
    expiresAt: new Date(signal.expiresAt).toISOString(),
    shadow: signal.shadow,
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
  /** Market data settings in place of the replay of `TRADES_SLICE`, e.g. `loadConfig({ MARKET_DATA: 'binance', ... }).marketData`. */
  readonly marketData?: MarketDataConfig;
  /** The market clock (default the wall clock). */
  readonly clock?: () => number;
}): PlatformConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    marketData: options.marketData ?? { ...defaults.marketData, replay: [TRADES_SLICE] },
    ...(options.clock ? { clock: options.clock } : {}),
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
  const [strategy] = await runningStrategySpecs(platform.database.db);
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
 * A market clock running `speed` times faster than the wall clock from now on, for the platform and the fake
 * exchanges alike: at 30x a 1m candle passes in 2 s of wall time.
 */
export function acceleratedClock(speed: number): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * speed;
}

/** Fails unless `promise` rejects with a GraphQL error of `code` (and `field`, when given); returns that error. */
export async function expectUserError(promise: Promise<unknown>, code: string, field?: string) {
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

/** One trade as a test knows it from the exchange's own record. */
export interface RecordedTrade {
  readonly id: number;
  readonly time: number;
  readonly price: string;
  readonly quantity: string;
}

/** A 1m candle computed by a test, in the shape `CandlesDocument` returns (volume in plain decimal notation). */
export interface ExpectedMinute {
  readonly openTime: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly trades: number;
}

/**
 * The 1m candles of `trades`, computed without the platform's aggregator: trades grouped by minute of their
 * time; open and close the first and last by (time, id), high and low by price, volume the exact sum (big.js);
 * a minute without trades between two with trades is flat at the previous close with volume 0.
 */
export function minutesOf(trades: readonly RecordedTrade[]): ExpectedMinute[] {
  const MINUTE = 60_000;
  const byMinute = new Map<number, RecordedTrade[]>();
  for (const trade of trades) {
    const minute = trade.time - (trade.time % MINUTE);
    const group = byMinute.get(minute) ?? [];
    group.push(trade);
    byMinute.set(minute, group);
  }
  const minutes = [...byMinute.keys()].sort((a, b) => a - b);
  const result: ExpectedMinute[] = [];
  if (minutes.length === 0) return result;
  let previousClose = '';
  for (let minute = minutes[0] as number; minute <= (minutes.at(-1) as number); minute += MINUTE) {
    const openTime = new Date(minute).toISOString();
    const group = byMinute.get(minute);
    if (group === undefined) {
      const flat = previousClose;
      result.push({ openTime, open: flat, high: flat, low: flat, close: flat, volume: '0', trades: 0 });
      continue;
    }
    const ordered = [...group].sort((a, b) => a.time - b.time || a.id - b.id);
    const byPrice = [...group].sort((a, b) => new Big(a.price).cmp(new Big(b.price)));
    previousClose = (ordered.at(-1) as RecordedTrade).price;
    result.push({
      openTime,
      open: (ordered[0] as RecordedTrade).price,
      high: (byPrice.at(-1) as RecordedTrade).price,
      low: (byPrice[0] as RecordedTrade).price,
      close: previousClose,
      volume: group.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toFixed(),
      trades: group.length,
    });
  }
  return result;
}

/** Every trade of `symbol` the fake Binance recorded from `fromId` on, read from its `historicalTrades`. */
export async function binanceHistory(restUrl: string, symbol: string, fromId: number): Promise<RecordedTrade[]> {
  const trades: RecordedTrade[] = [];
  for (let from = fromId; ; ) {
    const response = await fetch(`${restUrl}/api/v3/historicalTrades?symbol=${symbol}&fromId=${from}&limit=1000`);
    if (!response.ok) throw new Error(`historicalTrades: HTTP ${response.status}`);
    const page = (await response.json()) as { id: number; price: string; qty: string; time: number }[];
    trades.push(...page.map((t) => ({ id: t.id, time: t.time, price: t.price, quantity: t.qty })));
    if (page.length < 1000) return trades;
    from = (page.at(-1)?.id ?? from) + 1;
  }
}
