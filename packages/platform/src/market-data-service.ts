import { type BusConsumer, type EventBus, TOPICS } from '@alphintra/bus';
import { type Candle, type CandleStore, candleChannel, INTERVALS, type Interval, type Trade } from '@alphintra/core';
import {
  type Db,
  type InstrumentInput,
  insertQuarantinedTrades,
  loadFeedCursors,
  type QuarantinedTradeInput,
  runningStrategySpecs,
  saveFeedCursors,
  saveFeedStatus,
  upsertInstruments,
} from '@alphintra/db';
import {
  type BadInput,
  CandleAggregator,
  type FeedCursor,
  FeedManager,
  type QuarantineReason,
  ReplayFeed,
  type ReplaySource,
  readReplayFile,
  TradeChecker,
  type TradeProvider,
} from '@alphintra/market-data';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { MarketDataConfig } from './config.ts';
import type { Log } from './log.ts';
import { retryForever, SerialQueue } from './retry.ts';

/** A closed candle as it travels on `market.candles` (JSON, key = symbol). */
export interface CandleMessage extends Omit<Candle, 'closedAt'> {
  /** Wall-clock epoch ms at which the candle closed, for end-to-end latency. */
  readonly closedAtEpochMs: number;
}

/** Turns a candle into its bus message. */
export function toCandleMessage(candle: Candle): CandleMessage {
  const { closedAt, ...rest } = candle;
  return { ...rest, closedAtEpochMs: performance.timeOrigin + (closedAt ?? performance.now()) };
}

/** Every interval the platform builds and stores. */
export const PLATFORM_INTERVALS = Object.keys(INTERVALS) as Interval[];

/** Where the market-data service gets its trades. */
export type MarketSource =
  | {
      readonly kind: 'replay';
      readonly sources: readonly ReplaySource[];
      readonly speed: number;
      readonly loop: boolean;
    }
  | {
      readonly kind: 'live';
      readonly primary: TradeProvider;
      readonly backup?: TradeProvider | undefined;
      /** Symbols the backup can serve. */
      readonly backupServes?: (symbol: string) => boolean;
      /** Symbols streamed whatever the strategies name. */
      readonly symbols: readonly string[];
      readonly failoverAfterMs: number;
      readonly failbackAfterMs: number;
      readonly warmupCandles: number;
    };

/** Options of {@link MarketDataService}. */
export interface MarketDataServiceOptions {
  readonly db: Db;
  readonly store: CandleStore;
  readonly bus: EventBus;
  readonly pubsub: PubSubEngine;
  readonly log: Log;
  readonly source: MarketSource;
  readonly settings: Pick<MarketDataConfig, 'graceMs' | 'retentionMs' | 'priceBandPct' | 'maxFutureMs'>;
  /** Produce normalized trades to `market.trades` (when Kafka is configured). */
  readonly produceTrades: boolean;
  /** Prefix of this service's consumer groups. */
  readonly groupPrefix: string;
  /** Wall-clock epoch ms. */
  readonly now?: () => number;
  /** Called for each trade that goes into the candles, and each candle closed (metrics). */
  readonly onTrade?: (trade: Trade) => void;
  readonly onCandle?: (candle: Candle) => void;
}

const STATUS_EVERY_MS = 1_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The market-data service: trades from a replay or live providers (through the feed manager: ordered, gap-free,
 * checked) -> candles of every interval -> the candle store (the record), then, each on its own queue so that one
 * outage holds up no other, the bus (`market.candles`, for the engine) and the pub/sub (candle subscribers).
 * It talks to the rest of the platform only through the database, the bus and the pub/sub, so it can run as its
 * own process.
 */
export class MarketDataService {
  readonly #options: MarketDataServiceOptions;
  readonly #log: Log;
  readonly #now: () => number;
  readonly #aggregator: CandleAggregator;
  readonly #checker: TradeChecker;
  /** Store first: a candle reaches the bus only once it is in the record. */
  readonly #storeQueue = new SerialQueue();
  readonly #busQueue = new SerialQueue();
  readonly #pubsubQueue = new SerialQueue();
  readonly #tradeQueue = new SerialQueue();
  #pendingCandles: Candle[] = [];
  #pendingTrades: Trade[] = [];
  #pendingQuarantine: QuarantinedTradeInput[] = [];
  #symbols = new Set<string>();
  #feed: ReplayFeed | null = null;
  #manager: FeedManager | null = null;
  #consumer: BusConsumer | null = null;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #reported = new Set<string>();
  /** Candles of a REST warm-up are stored for history, never sent to the engine as new. */
  #warmingUp = false;
  #stopped = false;
  #lastTradeAt: number | null = null;
  readonly #replayQuarantine: Record<string, number> = {};
  #counts = { trades: 0, candles: 0, storedCandles: 0, quarantined: 0, badInput: 0, lateTrades: 0 };

  constructor(options: MarketDataServiceOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#aggregator = new CandleAggregator({ intervals: PLATFORM_INTERVALS, onCandle: (c) => this.#onCandle(c) });
    this.#checker = new TradeChecker({
      priceBandPct: options.settings.priceBandPct,
      maxFutureMs: options.settings.maxFutureMs,
      now: this.#now,
      isKnownSymbol: (symbol) => this.#symbols.has(symbol),
    });
  }

  /** Counters since start. */
  get stats() {
    return {
      ...this.#counts,
      lateTrades: this.#aggregator.stats.lateTrades,
      replayedTrades: this.#feed?.stats.trades ?? 0,
      loops: this.#feed?.stats.loops ?? 0,
    };
  }

  /** The symbols streamed now. */
  get symbols(): readonly string[] {
    return [...this.#symbols].sort();
  }

  /** The symbols of a replay's files, sorted (empty for a live source). */
  async replaySymbols(): Promise<string[]> {
    const { source } = this.#options;
    return source.kind === 'replay' ? replaySymbols(source.sources) : [];
  }

  /** The end of the newest stored 1m candle of the streamed symbols: where a restarted replay resumes. */
  async storedUntil(): Promise<number | null> {
    let until: number | null = null;
    for (const symbol of this.#symbols) {
      const latest = await this.#options.store.latest(symbol, '1m');
      if (latest !== null && (until === null || latest.closeTime > until)) until = latest.closeTime;
    }
    return until;
  }

  /** The feed manager of a live source (null on a replay). */
  get feeds(): FeedManager | null {
    return this.#manager;
  }

  /**
   * Prepares the source: a replay registers its symbols as instruments; a live source lists the exchange's
   * symbols, follows the active strategies' symbols (its own consumer group on `strategy.events`), warms up
   * symbols without history from the exchange's klines, and connects.
   */
  async start(): Promise<void> {
    const { source } = this.#options;
    this.#timers.push(
      setInterval(() => void this.#prune(), PRUNE_EVERY_MS),
      setInterval(() => void this.#flushSide(), STATUS_EVERY_MS),
    );
    if (source.kind === 'replay') {
      const symbols = await replaySymbols(source.sources);
      for (const symbol of symbols) this.#symbols.add(symbol);
      await upsertInstruments(
        this.#options.db,
        symbols.map((symbol) => ({ symbol, baseAsset: '', quoteAsset: '', status: 'TRADING', source: 'replay' })),
      );
      return;
    }
    const listed = await source.primary.listSymbols();
    const instruments: InstrumentInput[] = [...listed.values()].map((s) => ({
      symbol: s.symbol,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
      status: s.status,
      source: source.primary.name,
    }));
    await upsertInstruments(this.#options.db, instruments);
    const cursors: FeedCursor[] = [];
    for (const provider of [source.primary, source.backup]) {
      if (provider === undefined) continue;
      for (const c of (await loadFeedCursors(this.#options.db, provider.name)).values()) {
        cursors.push({ provider: provider.name, ...c });
      }
    }
    this.#manager = new FeedManager({
      primary: source.primary,
      backup: source.backup,
      ...(source.backupServes ? { backupServes: source.backupServes } : {}),
      gate: this.#checker,
      cursors,
      failoverAfterMs: source.failoverAfterMs,
      failbackAfterMs: source.failbackAfterMs,
      graceMs: this.#options.settings.graceMs,
      now: this.#now,
      onTrades: (trades) => {
        for (const trade of trades) this.#onTrade(trade);
      },
      onWatermark: (symbol, time) => this.#aggregator.advanceTo(time, symbol),
      onIncomplete: (symbol, from, to) => this.#aggregator.markIncomplete(symbol, from, to),
      onQuarantine: (trade, reason) => this.#quarantine(trade, reason),
      onBadInput: (provider, bad) => this.#badInput(provider, bad),
      onStatus: (status) =>
        this.#log.info(`feed ${status.provider}: ${status.state}${status.active ? ' (active)' : ''}`),
      log: (message) => this.#log.warn(message),
    });
    await this.#followStrategies(listed);
    await this.#warmUp(source.warmupCandles);
    await this.#manager.start();
  }

  /** Replays the configured files; resolves when they end (never when looping) or on `stop`. */
  replay(options: { fastForwardUntil?: number } = {}): Promise<void> {
    const { source } = this.#options;
    if (source.kind !== 'replay') throw new Error('the market data source is not a replay');
    if (this.#feed) throw new Error('a replay is already running');
    const fastForwardUntil = options.fastForwardUntil;
    const feed = new ReplayFeed({
      sources: source.sources,
      speed: source.speed,
      loop: source.loop,
      ...(fastForwardUntil === undefined ? {} : { fastForwardUntil }),
      onTrade: (trade) => {
        const reason = this.#checker.check(trade);
        if (reason !== null) {
          this.#replayQuarantine[reason] = (this.#replayQuarantine[reason] ?? 0) + 1;
          this.#quarantine(trade, reason);
          return;
        }
        this.#checker.accept(trade);
        this.#onTrade(trade, fastForwardUntil !== undefined && trade.time <= fastForwardUntil);
      },
      onCandle: (candle) => this.#aggregator.addCandle(candle),
      onClock: (time) => this.#aggregator.advanceTo(time),
      onMalformed: (bad) =>
        this.#badInput('replay', { kind: 'malformed-line', sample: `line ${bad.line}: ${bad.reason}` }),
    });
    this.#feed = feed;
    return feed.start().then(() => {
      if (!this.#stopped) this.#aggregator.flush();
    });
  }

  /** Feeds one normalized, checked trade (replay, tests). */
  onTrade(trade: Trade): void {
    this.#onTrade(trade);
  }

  /** Waits until every candle closed so far is stored, on the bus and published. */
  async drain(): Promise<void> {
    this.#flushCandles();
    await this.#storeQueue.drain();
    await Promise.all([this.#busQueue.drain(), this.#pubsubQueue.drain(), this.#tradeQueue.drain()]);
  }

  async stop(): Promise<void> {
    this.#feed?.stop();
    await this.#consumer?.close();
    await this.#manager?.stop();
    await this.drain();
    await this.#flushSide();
    for (const timer of this.#timers) clearInterval(timer);
    this.#stopped = true;
  }

  #onTrade(trade: Trade, replayed = false): void {
    this.#counts.trades++;
    this.#options.onTrade?.(trade);
    this.#lastTradeAt = Date.now();
    this.#aggregator.addTrade(trade);
    if (this.#options.produceTrades && !replayed) {
      this.#pendingTrades.push(trade);
      if (this.#pendingTrades.length === 1) queueMicrotask(() => this.#flushTrades());
    }
  }

  #onCandle(candle: Candle): void {
    this.#counts.candles++;
    this.#options.onCandle?.(candle);
    this.#pendingCandles.push(candle);
    // Candles closed in one turn (all intervals of a boundary, a burst of empty minutes) travel as one batch.
    if (this.#pendingCandles.length === 1) queueMicrotask(() => this.#flushCandles());
  }

  #flushCandles(): void {
    const batch = this.#pendingCandles;
    if (batch.length === 0) return;
    this.#pendingCandles = [];
    // A warm-up flushes before and after itself, so a batch is all warm-up or all live.
    const warmup = this.#warmingUp;
    this.#storeQueue.push(async () => {
      const live = await this.#retry(`storing ${batch.length} candles`, () => this.#options.store.put(batch));
      this.#counts.storedCandles += live.length;
      if (live.length === 0 || warmup) return;
      // The bus and the pub/sub are served independently: a Redis outage never holds a candle back from Kafka.
      this.#busQueue.push(() =>
        this.#retry(`producing ${live.length} candles to ${TOPICS.candles}`, () =>
          this.#options.bus.produce(
            TOPICS.candles,
            live.map((candle) => ({ key: candle.symbol, value: JSON.stringify(toCandleMessage(candle)) })),
          ),
        ),
      );
      this.#pubsubQueue.push(async () => {
        for (const candle of live) {
          await this.#retry('publishing a candle', () =>
            this.#options.pubsub.publish(candleChannel(candle.symbol, candle.interval), candle),
          );
        }
      });
    });
  }

  #flushTrades(): void {
    const batch = this.#pendingTrades;
    if (batch.length === 0) return;
    this.#pendingTrades = [];
    this.#tradeQueue.push(() =>
      this.#retry(`producing ${batch.length} trades to ${TOPICS.trades}`, () =>
        this.#options.bus.produce(
          TOPICS.trades,
          batch.map((trade) => ({ key: trade.symbol, value: JSON.stringify(tradeMessage(trade)) })),
        ),
      ),
    );
  }

  #retry<T>(what: string, task: () => Promise<T>): Promise<T> {
    return retryForever(
      what,
      task,
      (message, error) => this.#log.warn(message, error),
      () => this.#stopped,
    );
  }

  #quarantine(trade: Trade, reason: QuarantineReason): void {
    this.#counts.quarantined++;
    this.#pendingQuarantine.push({
      provider: trade.source,
      symbol: trade.symbol,
      tradeId: trade.tradeId,
      price: trade.price,
      quantity: trade.quantity,
      time: trade.time,
      reason,
      detail: quarantineDetail(reason, trade),
    });
    const key = `${trade.source}\u0000${reason}`;
    if (!this.#reported.has(key)) {
      this.#reported.add(key);
      this.#log.warn(
        `${trade.source} ${trade.symbol}: trade ${trade.tradeId} quarantined (${reason}); further ones are counted`,
      );
    }
  }

  #badInput(provider: string, bad: BadInput): void {
    this.#counts.badInput++;
    const key = `${provider}\u0000${bad.kind}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#log.warn(`${provider}: skipped ${bad.kind} (logged once per kind), e.g. ${bad.sample.slice(0, 200)}`);
  }

  /** Feed status, cursors and quarantined trades go to the database once a second, off the hot path. */
  #flushSide(): Promise<void> {
    const { db } = this.#options;
    const quarantined = this.#pendingQuarantine;
    this.#pendingQuarantine = [];
    const manager = this.#manager;
    return (async () => {
      try {
        if (quarantined.length > 0) await insertQuarantinedTrades(db, quarantined);
        if (manager === null) {
          if (this.#feed !== null) await saveFeedStatus(db, [this.#replayStatus()]);
          return;
        }
        await saveFeedStatus(
          db,
          manager.status().map((s) => ({ ...s, quarantine: { ...s.quarantine } })),
        );
        const byProvider = new Map<string, FeedCursor[]>();
        for (const cursor of manager.cursors()) {
          const list = byProvider.get(cursor.provider) ?? [];
          list.push(cursor);
          byProvider.set(cursor.provider, list);
        }
        for (const [provider, cursors] of byProvider) await saveFeedCursors(db, provider, cursors);
      } catch (error) {
        if (!this.#stopped) this.#log.warn('saving feed status failed; retrying in 1 s', error);
      }
    })();
  }

  /** A replay as `Query.feeds` shows it: one always-connected provider. */
  #replayStatus() {
    return {
      provider: 'replay',
      role: 'PRIMARY' as const,
      active: true,
      state: 'CONNECTED' as const,
      detail: null,
      lastMessageAt: this.#lastTradeAt,
      lagMs: null,
      reconnects: this.#feed?.stats.loops ?? 0,
      gapsFilled: 0,
      tradesBackfilled: 0,
      tradesQuarantined: this.#counts.quarantined,
      quarantine: { ...this.#replayQuarantine },
    };
  }

  async #prune(): Promise<void> {
    const now = this.#now();
    for (const interval of PLATFORM_INTERVALS) {
      try {
        await this.#options.store.prune(interval, now - this.#options.settings.retentionMs[interval]);
      } catch (error) {
        this.#log.warn(`pruning ${interval} candles failed`, error);
      }
    }
  }

  /**
   * Streams the symbols of the active strategies plus the configured ones; re-reads them on every strategy
   * change (its own consumer group: this service must see every change, whatever the engine does).
   */
  async #followStrategies(listed: ReadonlyMap<string, unknown>): Promise<void> {
    const { source } = this.#options;
    if (source.kind !== 'live') return;
    const refresh = async () => {
      const specs = await runningStrategySpecs(this.#options.db);
      const wanted = new Set([...source.symbols, ...specs.flatMap((s) => s.symbols)]);
      for (const symbol of wanted) {
        if (!listed.has(symbol)) {
          wanted.delete(symbol);
          this.#log.warn(`${symbol} is not listed by ${source.primary.name}: not streamed`);
        }
      }
      const added = [...wanted].filter((s) => !this.#symbols.has(s));
      this.#symbols = wanted;
      this.#manager?.setSymbols([...wanted].sort());
      if (added.length > 0 && this.#manager !== null) await this.#warmUpSymbols(added, source.warmupCandles);
    };
    await refresh();
    this.#consumer = await this.#options.bus.consume({
      groupId: `${this.#options.groupPrefix}.market-data.strategy-events`,
      topics: [TOPICS.strategyEvents],
      handler: () => refresh(),
    });
  }

  async #warmUp(count: number): Promise<void> {
    await this.#warmUpSymbols([...this.#symbols], count);
  }

  /**
   * History for symbols that have none (or a hole since the last run): closed candles of every interval from
   * the exchange's klines, stored as history (never sent to the engine as new candles). The 1m candles of the
   * current day also go through the roll-up, so the open 5m .. 1d candles include the minutes before the start.
   */
  async #warmUpSymbols(symbols: readonly string[], count: number): Promise<void> {
    const { source, store } = this.#options;
    if (source.kind !== 'live' || count <= 0) return;
    const now = this.#now();
    for (const symbol of symbols) {
      try {
        for (const interval of PLATFORM_INTERVALS) {
          if (interval === '1m') continue;
          const length = INTERVALS[interval];
          const latest = await store.latest(symbol, interval);
          const end = Math.floor(now / length) * length;
          const start = Math.max(latest === null ? end - count * length : latest.closeTime, end - count * length);
          if (start >= end) continue;
          const candles = await source.primary.fetchCandles(symbol, interval, start, end, Math.min(count, 1_000));
          await store.put(candles.filter((c) => c.closeTime <= now));
        }
        const dayStart = Math.floor(now / INTERVALS['1d']) * INTERVALS['1d'];
        const minuteEnd = Math.floor(now / INTERVALS['1m']) * INTERVALS['1m'];
        const start = Math.min(dayStart, minuteEnd - count * INTERVALS['1m']);
        const minutes: Candle[] = [];
        for (let from = start; from < minuteEnd; ) {
          const page = await source.primary.fetchCandles(symbol, '1m', from, minuteEnd, 1_000);
          const closed = page.filter((c) => c.closeTime <= minuteEnd && c.openTime >= from);
          if (closed.length === 0) break;
          minutes.push(...closed);
          from = (closed.at(-1) as Candle).closeTime;
        }
        this.#flushCandles();
        this.#warmingUp = true;
        try {
          for (const candle of minutes) this.#aggregator.addCandle(candle);
          // The exchange's klines cover every minute up to the current one: minutes it has none for were empty.
          if (minutes.length > 0) this.#aggregator.advanceTo(minuteEnd, symbol);
        } finally {
          this.#flushCandles();
          this.#warmingUp = false;
        }
        await this.#storeQueue.drain();
        if (minutes.length > 0) {
          // Live trades start mid-minute: the first minute misses what came before the connection.
          this.#aggregator.markIncomplete(symbol, minuteEnd, now + 1);
        }
      } catch (error) {
        this.#log.warn(`${symbol}: warm-up from ${source.primary.name} klines failed; starting without history`, error);
      }
    }
  }
}

/** A trade as it travels on `market.trades` (JSON, key = symbol): the normalized trade without numeric copies. */
export function tradeMessage(trade: Trade) {
  return {
    source: trade.source,
    symbol: trade.symbol,
    tradeId: trade.tradeId,
    time: trade.time,
    price: trade.price,
    quantity: trade.quantity,
    takerSide: trade.takerSide,
  };
}

function quarantineDetail(reason: QuarantineReason, trade: Trade): string {
  switch (reason) {
    case 'NON_POSITIVE':
      return `price ${trade.price}, quantity ${trade.quantity}`;
    case 'TOO_PRECISE':
      return 'more than 18 decimal places';
    case 'PRICE_BAND':
      return `price ${trade.price} outside the band around the last price`;
    case 'FUTURE_TIME':
      return `trade time ${new Date(trade.time).toISOString()} is in the future`;
    case 'DUPLICATE_ID':
      return `trade id ${trade.tradeId} was seen already`;
    case 'UNKNOWN_SYMBOL':
      return `${trade.symbol} is not streamed`;
  }
}

/** The symbols of a replay: each file's first event's. */
async function replaySymbols(sources: readonly ReplaySource[]): Promise<string[]> {
  const symbols = new Set<string>();
  for (const source of sources) {
    for await (const event of readReplayFile(source)) {
      symbols.add(event.kind === 'trade' ? event.trade.symbol : event.candle.symbol);
      break;
    }
  }
  return [...symbols].sort();
}
