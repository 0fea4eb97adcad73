import { type Candle, INTERVALS, type Interval, type Trade } from '@alphintra/core';
import WebSocket from 'ws';
import { MalformedTradeError, normalizeBinanceTrade } from '../trade.ts';
import { type BackoffOptions, type BreakerOptions, RestClient, type RestStats } from './rest.ts';
import { ReconnectingSocket } from './socket.ts';
import type { BadInput, FeedListener, FeedState, ListedSymbol, ProviderStats, TradeProvider } from './types.ts';

export interface BinanceProviderOptions {
  /** Default `wss://stream.binance.com:9443`. */
  readonly wsUrl?: string;
  /** Default `https://api.binance.com`. */
  readonly restUrl?: string;
  /** No frame (trades, pings, answers) for this long: the connection is replaced (default 60 s; pings come every 20 s). */
  readonly staleAfterMs?: number;
  /** A connection this old is replaced before Binance's 24 h cut (default 23.5 h). */
  readonly maxConnectionMs?: number;
  /** REST request weight per minute (default 6000, Binance's per-IP budget). */
  readonly weightPerMinute?: number;
  /** Control messages sent per second per connection (default 4: Binance allows 5, pongs included). */
  readonly maxControlMessagesPerSecond?: number;
  /** Streams per connection; more open another connection (default 1024, Binance's limit). */
  readonly maxStreamsPerConnection?: number;
  /** Streams named in the connection URL; the rest are subscribed after the open (default 100). */
  readonly streamsInUrl?: number;
  /** Streams per SUBSCRIBE / UNSUBSCRIBE message (default 200). */
  readonly streamsPerMessage?: number;
  /** How long a SUBSCRIBE may go unanswered before the connection is replaced (default 10 s). */
  readonly subscribeTimeoutMs?: number;
  /** Websocket reconnect backoff (default 250 ms doubling up to 30 s). */
  readonly backoff?: BackoffOptions;
  /** Websocket and REST circuit breakers (default 5 failures, 60 s). */
  readonly breaker?: BreakerOptions;
  /** REST retries after the first attempt (default 5). */
  readonly restRetries?: number;
  /** REST retry backoff (default 500 ms doubling up to 30 s). */
  readonly restBackoff?: BackoffOptions;
  /** Most trades one `historicalTrades` call returns (default 1000, Binance's maximum). */
  readonly historyLimit?: number;
}

const KIND_INVALID_JSON = 'invalid-json';
const KIND_UNKNOWN_EVENT = 'unknown-event';
const KIND_MALFORMED_TRADE = 'malformed-trade';
// Binance's sliding one-second window, with a margin for clock and network jitter.
const RATE_WINDOW_MS = 1_100;

const STATE_ORDER: readonly FeedState[] = ['BREAKER_OPEN', 'BACKOFF', 'STALE', 'DISCONNECTED', 'CONNECTED'];

interface PendingRequest {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** What one websocket connection has been asked to stream, and its control-message budget. */
interface ConnectionState {
  readonly streams: Set<string>;
  readonly sentAt: number[];
  readonly pending: Set<number>;
  chain: Promise<void>;
}

/** One connection's worth of streams (at most maxStreamsPerConnection), kept connected by a ReconnectingSocket. */
interface Shard {
  readonly desired: Set<string>;
  readonly socket: ReconnectingSocket;
  active: WebSocket | null;
  state: FeedState;
  lastMessageAt: number | null;
}

const streamOf = (symbol: string): string => `${symbol.toLowerCase()}@trade`;

/** Binance spot live trades over combined streams, with REST history, candles and the instrument list. */
export class BinanceProvider implements TradeProvider {
  readonly name = 'binance';
  readonly #wsUrl: string;
  readonly #staleAfterMs: number;
  readonly #maxConnectionMs: number;
  readonly #maxControl: number;
  readonly #maxStreams: number;
  readonly #streamsInUrl: number;
  readonly #streamsPerMessage: number;
  readonly #subscribeTimeoutMs: number;
  readonly #backoff: BackoffOptions;
  readonly #breaker: BreakerOptions;
  readonly #historyLimit: number;
  readonly #rest: RestClient;
  readonly #shards: Shard[] = [];
  readonly #connections = new WeakMap<WebSocket, ConnectionState>();
  readonly #pending = new Map<number, PendingRequest>();
  #listener: FeedListener | null = null;
  #symbols: readonly string[] = [];
  #started = false;
  #nextId = 0;
  #state: FeedState = 'DISCONNECTED';
  #retiredReconnects = 0;
  #lagMs: number | null = null;

  constructor(options: BinanceProviderOptions = {}) {
    this.#wsUrl = (options.wsUrl ?? 'wss://stream.binance.com:9443').replace(/\/+$/, '');
    this.#staleAfterMs = options.staleAfterMs ?? 60_000;
    this.#maxConnectionMs = options.maxConnectionMs ?? 23.5 * 3_600_000;
    this.#maxControl = options.maxControlMessagesPerSecond ?? 4;
    this.#maxStreams = options.maxStreamsPerConnection ?? 1024;
    this.#streamsInUrl = options.streamsInUrl ?? 100;
    this.#streamsPerMessage = options.streamsPerMessage ?? 200;
    this.#subscribeTimeoutMs = options.subscribeTimeoutMs ?? 10_000;
    this.#backoff = options.backoff ?? { initialMs: 250, maxMs: 30_000 };
    this.#breaker = options.breaker ?? { failures: 5, cooldownMs: 60_000 };
    this.#historyLimit = options.historyLimit ?? 1000;
    this.#rest = new RestClient({
      name: 'binance',
      baseUrl: options.restUrl ?? 'https://api.binance.com',
      weightPerMinute: options.weightPerMinute ?? 6000,
      usedWeightHeader: 'X-MBX-USED-WEIGHT-1M',
      breaker: this.#breaker,
      ...(options.restRetries === undefined ? {} : { maxRetries: options.restRetries }),
      ...(options.restBackoff === undefined ? {} : { backoff: options.restBackoff }),
      onBadInput: (bad) => this.#bad(bad.kind, bad.sample),
    });
  }

  async start(listener: FeedListener): Promise<void> {
    if (this.#started) return;
    this.#listener = listener;
    this.#started = true;
    this.#assign();
    await Promise.all(this.#shards.map((shard) => shard.socket.start()));
  }

  setSymbols(symbols: readonly string[]): void {
    this.#symbols = [...new Set(symbols)];
    if (this.#started) this.#assign();
  }

  reconnect(reason: string): void {
    for (const shard of this.#shards) shard.socket.reconnect(reason);
  }

  async stop(): Promise<void> {
    this.#started = false;
    const shards = this.#shards.splice(0);
    await Promise.all(shards.map((shard) => shard.socket.stop()));
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('provider stopped'));
      this.#pending.delete(id);
    }
    this.#updateState();
  }

  stats(): ProviderStats {
    let lastMessageAt: number | null = null;
    let reconnects = this.#retiredReconnects;
    for (const shard of this.#shards) {
      const stats = shard.socket.stats();
      reconnects += stats.reconnects;
      if (stats.lastMessageAt !== null) lastMessageAt = Math.max(lastMessageAt ?? 0, stats.lastMessageAt);
    }
    return { state: this.#state, lastMessageAt, reconnects, lagMs: this.#lagMs };
  }

  /** The REST client's counters (requests, 429/418s, failures, breaker). */
  restStats(): RestStats {
    return this.#rest.stats();
  }

  async listSymbols(): Promise<ReadonlyMap<string, ListedSymbol>> {
    const info = await this.#rest.getJson<{ symbols?: unknown }>('/api/v3/exchangeInfo', {}, 20);
    const listed = new Map<string, ListedSymbol>();
    for (const row of Array.isArray(info.symbols) ? info.symbols : []) {
      const { symbol, status, baseAsset, quoteAsset } = (row ?? {}) as Record<string, unknown>;
      if (typeof symbol !== 'string' || typeof status !== 'string') continue;
      if (typeof baseAsset !== 'string' || typeof quoteAsset !== 'string') continue;
      listed.set(symbol, { symbol, status, baseAsset, quoteAsset });
    }
    return listed;
  }

  async fetchTradesFrom(symbol: string, fromId: string, limit: number): Promise<Trade[]> {
    const rows = await this.#rest.getJson<unknown>(
      '/api/v3/historicalTrades',
      { symbol, fromId, limit: Math.max(1, Math.min(limit, this.#historyLimit)) },
      25,
    );
    if (!Array.isArray(rows)) throw new Error(`binance historicalTrades: expected an array, got ${typeof rows}`);
    const trades: Trade[] = [];
    for (const row of rows) {
      const { id, price, qty, time, isBuyerMaker } = (row ?? {}) as Record<string, unknown>;
      try {
        trades.push(
          normalizeBinanceTrade({ e: 'trade', E: time, s: symbol, t: id, p: price, q: qty, T: time, m: isBuyerMaker }),
        );
      } catch (error) {
        if (!(error instanceof MalformedTradeError)) throw error;
        this.#bad(KIND_MALFORMED_TRADE, JSON.stringify(row));
      }
    }
    return trades;
  }

  /**
   * Closed klines. Our `closeTime` is exclusive (openTime + the interval); `lastTradeTime` is Binance's own
   * close time (openTime + interval - 1), the latest a trade in it can have happened, as klines carry no trade time.
   */
  async fetchCandles(
    symbol: string,
    interval: Interval,
    startTime: number,
    endTime: number,
    limit: number,
  ): Promise<Candle[]> {
    const length = INTERVALS[interval];
    const rows = await this.#rest.getJson<unknown>(
      '/api/v3/klines',
      { symbol, interval, startTime, endTime: endTime - 1, limit: Math.max(1, Math.min(limit, 1000)) },
      2,
    );
    if (!Array.isArray(rows)) throw new Error(`binance klines: expected an array, got ${typeof rows}`);
    const now = Date.now();
    const candles: Candle[] = [];
    for (const row of rows) {
      if (!Array.isArray(row) || row.length < 9) {
        this.#bad('malformed-kline', JSON.stringify(row));
        continue;
      }
      const [openTime, open, high, low, close, volume, binanceCloseTime, , trades] = row as unknown[];
      if (
        typeof openTime !== 'number' ||
        typeof binanceCloseTime !== 'number' ||
        typeof trades !== 'number' ||
        ![open, high, low, close, volume].every((value) => typeof value === 'string')
      ) {
        this.#bad('malformed-kline', JSON.stringify(row));
        continue;
      }
      const closeTime = openTime + length;
      // The newest kline is still open until its interval has passed.
      if (openTime < startTime || openTime >= endTime || closeTime > now) continue;
      candles.push({
        symbol,
        interval,
        openTime,
        closeTime,
        open: open as string,
        high: high as string,
        low: low as string,
        close: close as string,
        volume: volume as string,
        trades,
        source: 'binance',
        complete: true,
        lastTradeTime: binanceCloseTime,
      });
    }
    return candles;
  }

  /** Spreads the wanted streams over connections of at most maxStreamsPerConnection, keeping existing placements. */
  #assign(): void {
    const wanted = new Set(this.#symbols.map(streamOf));
    for (const shard of this.#shards)
      for (const stream of shard.desired) if (!wanted.has(stream)) shard.desired.delete(stream);
    const placed = new Set(this.#shards.flatMap((shard) => [...shard.desired]));
    const starting: Shard[] = [];
    for (const stream of wanted) {
      if (placed.has(stream)) continue;
      let shard = this.#shards.find((candidate) => candidate.desired.size < this.#maxStreams);
      if (shard === undefined) {
        shard = this.#createShard();
        this.#shards.push(shard);
        starting.push(shard);
      }
      shard.desired.add(stream);
    }
    for (const shard of [...this.#shards]) {
      if (shard.desired.size === 0) {
        this.#shards.splice(this.#shards.indexOf(shard), 1);
        this.#retiredReconnects += shard.socket.stats().reconnects;
        void shard.socket.stop();
      } else if (!starting.includes(shard) && shard.active !== null) {
        this.#sync(shard, shard.active).catch((error: unknown) =>
          shard.socket.reconnect(`subscription change failed: ${(error as Error).message}`),
        );
      }
    }
    for (const shard of starting) void shard.socket.start();
    this.#updateState();
  }

  #createShard(): Shard {
    const desired = new Set<string>();
    const shard: Shard = {
      desired,
      active: null,
      state: 'DISCONNECTED',
      lastMessageAt: null,
      socket: new ReconnectingSocket({
        name: 'binance',
        url: () => `${this.#wsUrl}/stream?streams=${[...desired].slice(0, this.#streamsInUrl).join('/')}`,
        onOpen: (ws) => this.#onOpen(shard, ws),
        onMessage: (text, receivedAt) => this.#onMessage(shard, text, receivedAt),
        onState: (state) => {
          shard.state = state;
          this.#updateState();
        },
        staleAfterMs: this.#staleAfterMs,
        backoff: this.#backoff,
        breaker: this.#breaker,
        maxConnectionMs: this.#maxConnectionMs,
      }),
    };
    return shard;
  }

  async #onOpen(shard: Shard, ws: WebSocket): Promise<void> {
    const inUrl = new URL(ws.url).searchParams.get('streams') ?? '';
    const connection: ConnectionState = {
      streams: new Set(inUrl.split('/').filter((name) => name !== '')),
      sentAt: [],
      pending: new Set(),
      chain: Promise.resolve(),
    };
    this.#connections.set(ws, connection);
    ws.once('close', () => {
      for (const id of connection.pending) this.#settle(id, new Error('connection closed'));
      if (shard.active === ws) shard.active = null;
    });
    await this.#sync(shard, ws);
    shard.active = ws;
    this.#listener?.onConnected();
  }

  /** Brings the connection's subscriptions to the shard's wanted streams; resolves once Binance confirmed. */
  #sync(shard: Shard, ws: WebSocket): Promise<void> {
    const connection = this.#connections.get(ws);
    if (connection === undefined) return Promise.resolve();
    const run = async (): Promise<void> => {
      const add = [...shard.desired].filter((stream) => !connection.streams.has(stream));
      const remove = [...connection.streams].filter((stream) => !shard.desired.has(stream));
      for (const [method, streams] of [
        ['SUBSCRIBE', add],
        ['UNSUBSCRIBE', remove],
      ] as const) {
        for (let i = 0; i < streams.length; i += this.#streamsPerMessage) {
          const batch = streams.slice(i, i + this.#streamsPerMessage);
          for (const stream of batch) {
            if (method === 'SUBSCRIBE') connection.streams.add(stream);
            else connection.streams.delete(stream);
          }
          await this.#request(ws, connection, method, batch);
        }
      }
    };
    const next = connection.chain.then(run);
    connection.chain = next.catch(() => {});
    return next;
  }

  async #request(ws: WebSocket, connection: ConnectionState, method: string, params: string[]): Promise<void> {
    await this.#pace(connection);
    if (ws.readyState !== WebSocket.OPEN) throw new Error('connection closed');
    const id = ++this.#nextId;
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#settle(id, new Error(`${method} unanswered after ${this.#subscribeTimeoutMs} ms`)),
        this.#subscribeTimeoutMs,
      );
      this.#pending.set(id, { resolve, reject, timer });
    });
    connection.pending.add(id);
    answered.finally(() => connection.pending.delete(id)).catch(() => {});
    ws.send(JSON.stringify({ method, params, id }));
    return answered;
  }

  /** Keeps each connection under Binance's incoming-message limit (which also counts our pongs). */
  async #pace(connection: ConnectionState): Promise<void> {
    for (;;) {
      const now = Date.now();
      while ((connection.sentAt[0] ?? now) <= now - RATE_WINDOW_MS) connection.sentAt.shift();
      const oldest = connection.sentAt[0];
      if (connection.sentAt.length < this.#maxControl || oldest === undefined) {
        connection.sentAt.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, oldest + RATE_WINDOW_MS - now + 1));
    }
  }

  #settle(id: number, error: Error | null, answer?: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (error !== null) pending.reject(error);
    else if (answer !== undefined) pending.reject(new Error(`binance refused the request: ${JSON.stringify(answer)}`));
    else pending.resolve();
  }

  #onMessage(shard: Shard, text: string, receivedAt: number): void {
    shard.lastMessageAt = receivedAt;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.#bad(KIND_INVALID_JSON, text);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.#bad(KIND_UNKNOWN_EVENT, text);
      return;
    }
    const frame = message as Record<string, unknown>;
    if (typeof frame['id'] === 'number' && ('result' in frame || 'code' in frame)) {
      this.#settle(frame['id'], null, 'code' in frame ? frame : undefined);
      return;
    }
    const data = frame['data'];
    const event =
      (data as Record<string, unknown> | null)?.['e'] ??
      (frame['event'] as Record<string, unknown> | null)?.['e'] ??
      frame['e'];
    if (event === 'serverShutdown') {
      // Binance is about to close this connection: open the replacement now, while this one still streams.
      shard.socket.rotate('serverShutdown');
      return;
    }
    const stream = frame['stream'];
    if (typeof stream === 'string' && (event === 'trade' || stream.endsWith('@trade'))) {
      let trade: Trade;
      try {
        trade = normalizeBinanceTrade(data);
      } catch (error) {
        if (!(error instanceof MalformedTradeError)) throw error;
        this.#bad(KIND_MALFORMED_TRADE, text);
        return;
      }
      this.#lagMs = receivedAt - trade.time;
      this.#listener?.onTrades([trade]);
      return;
    }
    this.#bad(KIND_UNKNOWN_EVENT, text);
  }

  #bad(kind: string, sample: string): void {
    this.#listener?.onBadInput({ kind, sample: sample.slice(0, 200) } satisfies BadInput);
  }

  #updateState(): void {
    const states = this.#shards.map((shard) => shard.state);
    let state: FeedState = 'DISCONNECTED';
    if (states.length > 0) state = STATE_ORDER.find((candidate) => states.includes(candidate)) ?? 'DISCONNECTED';
    if (state === this.#state) return;
    this.#state = state;
    this.#listener?.onState(state);
  }
}
