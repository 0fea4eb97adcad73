import type { EventBus } from '@alphintra/bus';
import type { Candle, Signal, Trade } from '@alphintra/core';
import { type Db, type FeedStatusRecord, latestSignalSeq, listFeedStatus, loadDeliveryCursor } from '@alphintra/db';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct values a label keeps (per label) before further ones are counted as `other`. */
export const DEFAULT_MAX_LABEL_VALUES = 500;

/** Latency buckets in seconds, 5 ms to 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Signals whose stored time is kept for the delivery histogram (the oldest are dropped beyond it). */
const MAX_PENDING_DELIVERIES = 100_000;
/** The states a feed can be in (`FeedState`); each is a series of `alphintra_feed_state`. */
const FEED_STATES = ['CONNECTED', 'STALE', 'BACKOFF', 'BREAKER_OPEN', 'DISCONNECTED'] as const;

/** A label whose values come from data (strategies, symbols): the first `max` values are kept, the rest are `other`. */
class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  value(raw: string): string {
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.#max) return 'other';
    this.#seen.add(raw);
    return raw;
  }
}

/** What the scrape-time gauges read: the database (outbox, feeds), the bus (consumer lag), the relay channels. */
export interface MetricsSources {
  readonly db: Db;
  readonly bus: EventBus;
  /** Names of the outbox relays' channels (`pubsub`, `kafka`, `webhooks`). */
  readonly channels: () => readonly string[];
}

/**
 * The platform's Prometheus metrics (prom-client), on one registry the gateway serves at `/metrics` with its own.
 * Services report through small hooks (a stored batch, a delivered batch, a trade, a candle, a webhook attempt);
 * gauges are read from the database and the bus when scraped. Every label is bounded: `strategy` and `symbol`
 * keep at most `maxLabelValues` values each (then `other`); the others have fixed value sets.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly #strategies: BoundedLabel;
  readonly #symbols: BoundedLabel;
  readonly #channelCount: () => number;
  /** Signal id -> stored time (performance.now ms) and the channels still to deliver it. */
  readonly #pending = new Map<string, { storedAt: number; remaining: number }>();
  readonly #storeLatency: Histogram;
  readonly #deliveryLatency: Histogram<'channel'>;
  readonly #signals: Counter<'strategy' | 'symbol' | 'action'>;
  readonly #trades: Counter<'symbol'>;
  readonly #candles: Counter<'symbol' | 'interval'>;
  readonly #webhookAttempts: Counter<'outcome'>;

  constructor(sources: MetricsSources, options: { readonly maxLabelValues?: number } = {}) {
    const max = options.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES;
    this.#strategies = new BoundedLabel(max);
    this.#symbols = new BoundedLabel(max);
    this.#channelCount = () => sources.channels().length;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#storeLatency = new Histogram({
      name: 'alphintra_signal_store_latency_seconds',
      help: 'From the close of a candle to its signals being stored (committed with their outbox place)',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#deliveryLatency = new Histogram({
      name: 'alphintra_signal_delivery_latency_seconds',
      help: 'From a signal being stored to its hand-over to a channel (pubsub, kafka, webhooks: queued)',
      labelNames: ['channel'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#signals = new Counter({
      name: 'alphintra_signals_total',
      help: 'Signals stored (not shadow), by strategy id, symbol and action',
      labelNames: ['strategy', 'symbol', 'action'],
      registers,
    });
    this.#trades = new Counter({
      name: 'alphintra_trades_total',
      help: 'Trades accepted into candles, by symbol',
      labelNames: ['symbol'],
      registers,
    });
    this.#candles = new Counter({
      name: 'alphintra_candles_total',
      help: 'Candles closed, by symbol and interval',
      labelNames: ['symbol', 'interval'],
      registers,
    });
    this.#webhookAttempts = new Counter({
      name: 'alphintra_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered, failed: retried later, dead: given up)',
      labelNames: ['outcome'],
      registers,
    });
    this.#scrapeGauges(sources);
  }

  /** A batch was stored; `closedAtEpochMs` is when its candle closed (null for candles evaluated on catch-up). */
  signalsStored(signals: readonly Signal[], closedAtEpochMs: number | null): void {
    const now = performance.now();
    for (const signal of signals) {
      if (signal.shadow) continue;
      this.#signals.inc({
        strategy: this.#strategies.value(signal.strategyId),
        symbol: this.#symbols.value(signal.symbol),
        action: signal.action,
      });
      if (closedAtEpochMs !== null) {
        this.#storeLatency.observe(Math.max(0, performance.timeOrigin + now - closedAtEpochMs) / 1_000);
      }
      if (this.#pending.size >= MAX_PENDING_DELIVERIES) {
        this.#pending.delete(this.#pending.keys().next().value as string);
      }
      this.#pending.set(signal.id, { storedAt: now, remaining: this.#channelCount() });
    }
  }

  /** A relay handed a batch to its channel. Signals stored by another process are not timed. */
  signalsDelivered(channel: string, signals: readonly Signal[]): void {
    const now = performance.now();
    for (const signal of signals) {
      const pending = this.#pending.get(signal.id);
      if (pending === undefined) continue;
      this.#deliveryLatency.observe({ channel }, (now - pending.storedAt) / 1_000);
      if (--pending.remaining <= 0) this.#pending.delete(signal.id);
    }
  }

  /** A trade went into the candles. */
  trade(trade: Trade): void {
    this.#trades.inc({ symbol: this.#symbols.value(trade.symbol) });
  }

  /** A candle closed. */
  candle(candle: Candle): void {
    this.#candles.inc({ symbol: this.#symbols.value(candle.symbol), interval: candle.interval });
  }

  /** A webhook attempt was recorded with this outcome (`DELIVERED`, `FAILED`, `DEAD`). */
  webhookAttempt(outcome: string): void {
    this.#webhookAttempts.inc({ outcome: outcome.toLowerCase() });
  }

  /**
   * Gauges computed when Prometheus scrapes: outbox depth, feeds, Kafka consumer lag. A source that does not answer
   * leaves its gauge without samples rather than failing the whole scrape.
   */
  #scrapeGauges({ db, bus, channels }: MetricsSources): void {
    /** A gauge read when scraped; a source that fails leaves it without samples. */
    const scraped = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      read: (gauge: Gauge<L>) => Promise<void>,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          await read(this).catch(() => {});
        },
      });
    scraped(
      'alphintra_outbox_depth',
      'Signals stored but not yet handed to a channel (newest sequence minus the channel cursor)',
      ['channel'],
      async (gauge) => {
        const latest = await latestSignalSeq(db);
        for (const channel of channels()) {
          const cursor = (await loadDeliveryCursor(db, channel)) ?? latest;
          gauge.set({ channel }, Math.max(0, latest - cursor));
        }
      },
    );
    const feeds = async () => listFeedStatus(db);
    scraped(
      'alphintra_feed_state',
      'Market data provider state: 1 for the state it is in, 0 for the others',
      ['provider', 'state'],
      async (gauge) => {
        for (const feed of await feeds()) {
          for (const state of FEED_STATES) gauge.set({ provider: feed.provider, state }, feed.state === state ? 1 : 0);
        }
      },
    );
    const perFeed = (name: string, help: string, value: (feed: FeedStatusRecord) => number | null) =>
      scraped(name, help, ['provider'], async (gauge) => {
        for (const feed of await feeds()) {
          const current = value(feed);
          if (current !== null) gauge.set({ provider: feed.provider }, current);
        }
      });
    perFeed(
      'alphintra_feed_lag_seconds',
      'Market data provider lag: receive time minus exchange time of its latest trade (live feeds)',
      (feed) => (feed.lagMs === null ? null : feed.lagMs / 1_000),
    );
    perFeed(
      'alphintra_feed_last_message_age_seconds',
      'Seconds since the market data provider last sent anything',
      (feed) => (feed.lastMessageAt === null ? null : Math.max(0, Date.now() - feed.lastMessageAt) / 1_000),
    );
    scraped(
      'alphintra_kafka_consumer_lag',
      'Records on a topic not yet processed by a consumer group of this process (Kafka only)',
      ['group', 'topic'],
      async (gauge) => {
        const lags = (await bus.consumerLag?.()) ?? [];
        gauge.reset();
        for (const { groupId, topic, lag } of lags) gauge.set({ group: groupId, topic }, lag);
      },
    );
  }
}
