import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Trade } from '@alphintra/core';
import { type LatencySummary, TimedSubscriber } from './measure.ts';

/** Options of `runPlatform`. */
export interface PlatformOptions {
  /** The recorded trades, parsed, in time order. */
  readonly trades: readonly Trade[];
  /** Times the file is replayed, shifted in time so candles keep increasing. */
  readonly passes: number;
}

/** What `runPlatform` measured. */
export interface PlatformResult {
  readonly symbol: string;
  readonly strategies: number;
  /** Opening PGlite in memory with migrations, bus, pub/sub, services and default strategies. */
  readonly setupMs: number;
  readonly trades: number;
  readonly candles: number;
  readonly signals: number;
  /** Signals stored and published (not duplicates). */
  readonly published: number;
  readonly delivered: number;
  readonly elapsedMs: number;
  /** Closed loop: each candle-closing trade waits until its candle has been through engine and database. */
  readonly tradesPerSecond: number;
  /**
   * From just before `MarketDataService.onTrade` of the closing trade to the subscriber's receipt of the signal:
   * candle on the bus, engine, insert into PGlite, publication.
   */
  readonly latencyToSubscriber: LatencySummary | null;
}

// As ReplayFeed does on a loop: a whole number of minutes plus one, so each pass repeats the minute boundaries.
const ALIGN_MS = 60_000;

/**
 * The same path through the platform's own services on embedded defaults: `MarketDataService` ->
 * `MemoryEventBus` (`market.candles`) -> `EngineService` -> `SignalDistributor` (PGlite in memory, the in-memory
 * pub/sub, `trading.signals` on the bus), with the platform's default strategies on the recorded symbol.
 * Closed loop: after a trade closes a candle, the next trade waits until that candle's signals are stored and
 * delivered, so each latency is the path's own, without queueing behind earlier candles.
 */
export async function runPlatform(options: PlatformOptions): Promise<PlatformResult> {
  // Imported here so that the engine scenario runs without the platform's modules (or their start-up) loaded.
  const { createMemoryPubSub, MemoryEventBus, TOPICS } = await import('@alphintra/bus');
  const { DrizzleCandleStore, openDatabase } = await import('@alphintra/db');
  const {
    EngineService,
    loadConfig,
    MarketDataService,
    OutboxRelay,
    pubsubChannel,
    SignalDistributor,
    seedDefaultStrategies,
    silentLog,
  } = await import('@alphintra/platform');
  const { SIGNALS_CHANNEL } = await import('@alphintra/core');

  const first = options.trades[0];
  const last = options.trades.at(-1);
  if (first === undefined || last === undefined) throw new Error('no trades to replay');
  const symbol = first.symbol;

  const setupStart = performance.now();
  const database = await openDatabase({});
  const bus = new MemoryEventBus();
  await bus.ensureTopics(Object.values(TOPICS).map((topic) => ({ topic })));
  const pubsub = createMemoryPubSub();
  const strategies = await seedDefaultStrategies(database.db, symbol);
  // The platform's delivery path: stored with the outbox, then handed to the pub/sub by its relay.
  const relay = new OutboxRelay({ db: database.db, channel: pubsubChannel(pubsub), log: silentLog });
  await relay.start();
  const distributor = new SignalDistributor({ db: database.db, log: silentLog, onStored: () => relay.wake() });
  const store = new DrizzleCandleStore(database.db);
  const engineService = new EngineService({ db: database.db, store, bus, distributor, log: silentLog });
  await engineService.start('bench');
  const marketData = new MarketDataService({
    db: database.db,
    store,
    bus,
    pubsub,
    log: silentLog,
    // Trades are fed by hand below; the replay source only names the symbol.
    source: { kind: 'replay', sources: [], speed: Number.POSITIVE_INFINITY, loop: false },
    settings: loadConfig({}).marketData,
    produceTrades: false,
    groupPrefix: 'bench',
  });
  const subscriber = new TimedSubscriber(pubsub, SIGNALS_CHANNEL);
  await nextTurn();
  const setupMs = performance.now() - setupStart;

  const settle = async (candlesClosed: number) => {
    await marketData.drain();
    for (;;) {
      const engine = engineService.engine.stats;
      const distributed = distributor.stats;
      if (
        engine.candles + engine.skippedCandles >= candlesClosed &&
        distributed.stored + distributed.duplicates >= engine.signals
      ) {
        break;
      }
      await nextTurn();
    }
    await subscriber.until(distributor.stats.stored);
  };

  const shift = Math.ceil((last.time - first.time) / ALIGN_MS) * ALIGN_MS + ALIGN_MS;
  let trades = 0;
  let candles = 0;
  const start = performance.now();
  for (let pass = 0; pass < options.passes; pass++) {
    const offset = pass * shift;
    for (const recorded of options.trades) {
      const trade = offset === 0 ? recorded : { ...recorded, time: recorded.time + offset };
      const arrival = performance.now();
      subscriber.arrival = arrival;
      marketData.onTrade(trade);
      trades++;
      const closed = marketData.stats.candles;
      if (closed > candles) {
        candles = closed;
        await settle(closed);
      }
    }
  }
  const elapsedMs = performance.now() - start;

  const result: PlatformResult = {
    symbol,
    strategies,
    setupMs,
    trades,
    candles,
    signals: engineService.engine.stats.signals,
    published: distributor.stats.stored,
    delivered: subscriber.received,
    elapsedMs,
    tradesPerSecond: (trades * 1_000) / elapsedMs,
    latencyToSubscriber: subscriber.samples.summary(),
  };
  await subscriber.close();
  await marketData.stop();
  await relay.stop();
  distributor.stop();
  await engineService.stop();
  await bus.close();
  await pubsub.close();
  await database.close();
  return result;
}
