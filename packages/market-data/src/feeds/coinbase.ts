import { type Candle, INTERVALS, type Interval, type Trade } from '@alphintra/core';
import type WebSocket from 'ws';
import { DecimalSum, toScaled } from '../decimal-sum.ts';
import { MalformedTradeError } from '../trade.ts';
import { type BackoffOptions, type BreakerOptions, RestClient } from './rest.ts';
import { ReconnectingSocket } from './socket.ts';
import type { BadInput, FeedListener, ListedSymbol, ProviderStats, TradeProvider } from './types.ts';

// Plain decimal notation only, so the exchange's string can be kept as the exact value. Zero passes: it is well
// formed, and the quality check refuses it as bad data.
const DECIMAL = /^\d+(?:\.\d+)?$/;
// Coinbase times: ISO 8601 UTC, usually with microseconds (`2014-11-07T08:19:27.028459Z`).
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$/;
const SYMBOL = /^[A-Z0-9]+$/;
const PRODUCT = /^[A-Z0-9]+-[A-Z0-9]+$/;

function fail(reason: string): never {
  throw new MalformedTradeError(reason);
}

function plainDecimal(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') return fail(`field "${key}" must be a decimal string`);
  if (!DECIMAL.test(value)) return fail(`field "${key}" is not a plain decimal: ${JSON.stringify(value)}`);
  return value;
}

/** Milliseconds since the epoch of a Coinbase time; sub-millisecond digits are cut, never rounded up. */
function isoToMs(value: unknown): number {
  const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
  if (match === null) return fail(`field "time" must be an ISO 8601 UTC time, got ${JSON.stringify(value)}`);
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const ms = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  if (!Number.isSafeInteger(ms) || ms <= 0) fail(`field "time" is out of range: ${JSON.stringify(value)}`);
  return ms;
}

function tradeId(record: Record<string, unknown>): string {
  const id = record['trade_id'];
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
  if (typeof id === 'string' && /^\d+$/.test(id)) return id.replace(/^0+(?=\d)/, '');
  return fail('field "trade_id" must be a non-negative integer');
}

/** The fields a WebSocket match and a REST trade share: `trade_id`, `price`, `size`, `side` (maker), `time`. */
function tradeFields(record: Record<string, unknown>, symbol: string): Trade {
  const id = tradeId(record);
  const price = plainDecimal(record, 'price');
  const quantity = plainDecimal(record, 'size');
  const makerSide = record['side'];
  if (makerSide !== 'buy' && makerSide !== 'sell') fail('field "side" must be "buy" or "sell"');
  const time = isoToMs(record['time']);
  return {
    source: 'coinbase',
    symbol,
    tradeId: id,
    time,
    price,
    quantity,
    priceNum: Number(price),
    quantityNum: Number(quantity),
    // Coinbase's `side` is the resting (maker) order's: a resting buy was hit by a seller.
    takerSide: makerSide === 'buy' ? 'SELL' : 'BUY',
  };
}

function asRecord(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) fail('not a JSON object');
  return payload as Record<string, unknown>;
}

/**
 * Normalizes a decoded Coinbase Exchange `match` or `last_match` message; `symbolOf` maps its `product_id` to the
 * platform symbol. Throws `MalformedTradeError` when it is not a usable trade.
 */
export function normalizeCoinbaseMatch(payload: unknown, symbolOf: (productId: string) => string | undefined): Trade {
  const record = asRecord(payload);
  const type = record['type'];
  if (type !== 'match' && type !== 'last_match') {
    fail(`message type is ${JSON.stringify(type)}, expected "match" or "last_match"`);
  }
  const productId = record['product_id'];
  if (typeof productId !== 'string' || productId === '') fail('field "product_id" must be a product id');
  const symbol = symbolOf(productId);
  if (symbol === undefined) fail(`product ${JSON.stringify(productId)} is not in the symbol map`);
  return tradeFields(record, symbol);
}

/** A configuration value that is not a valid symbol map; the message names the bad entry. */
export class SymbolMapError extends Error {
  override readonly name = 'SymbolMapError';
}

/**
 * Parses the platform-symbol -> Coinbase-product map of the configuration, `ETHUSDT=ETH-USDT,XRPETH=XRP-ETH`.
 * Throws `SymbolMapError` on an empty value, an entry without `=`, a malformed symbol or product id, or a symbol
 * or product given twice (the map must be one-to-one: trades are mapped back by product).
 */
export function parseSymbolMap(value: string): Map<string, string> {
  const map = new Map<string, string>();
  const products = new Map<string, string>();
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') {
    throw new SymbolMapError('symbol map is empty: expected SYMBOL=BASE-QUOTE entries, e.g. ETHUSDT=ETH-USDT');
  }
  entries.forEach((entry, index) => {
    const where = `symbol map entry ${index + 1} (${JSON.stringify(entry)})`;
    if (entry === '') throw new SymbolMapError(`${where} is empty`);
    const parts = entry.split('=').map((part) => part.trim());
    if (parts.length !== 2) throw new SymbolMapError(`${where}: expected SYMBOL=BASE-QUOTE, e.g. ETHUSDT=ETH-USDT`);
    const [symbol = '', product = ''] = parts;
    if (!SYMBOL.test(symbol)) throw new SymbolMapError(`${where}: symbol must be upper-case letters and digits`);
    if (!PRODUCT.test(product)) {
      throw new SymbolMapError(`${where}: product must be BASE-QUOTE in upper case, e.g. ETH-USDT`);
    }
    if (map.has(symbol)) throw new SymbolMapError(`${where}: symbol ${symbol} is mapped twice`);
    const other = products.get(product);
    if (other !== undefined) throw new SymbolMapError(`${where}: product ${product} is already mapped to ${other}`);
    map.set(symbol, product);
    products.set(product, symbol);
  });
  return map;
}

/** Options of {@link CoinbaseProvider}. */
export interface CoinbaseProviderOptions {
  /** Default `wss://ws-feed.exchange.coinbase.com`. */
  readonly wsUrl?: string;
  /** Default `https://api.exchange.coinbase.com`. */
  readonly restUrl?: string;
  /** Platform symbol -> Coinbase product id (`ETHUSDT` -> `ETH-USDT`), e.g. from {@link parseSymbolMap}. */
  readonly products: ReadonlyMap<string, string>;
  /** No message for this long: STALE, reconnect. Default 10,000 ms (the heartbeat channel ticks every second). */
  readonly staleAfterMs?: number;
  /** REST requests per second at most. Default 8, under the public limit of about 10 per second per IP. */
  readonly requestsPerSecond?: number;
  /** Between reconnect attempts and REST retries. Default 500 ms doubling up to 30 s, full jitter. */
  readonly backoff?: BackoffOptions;
  /** Default: open after 5 consecutive failures, for 30 s. */
  readonly breaker?: BreakerOptions;
}

/** Coinbase candle granularities, seconds, by platform interval; 4h has none and is rolled up from 1h. */
const GRANULARITY: Readonly<Record<Interval, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3_600,
  '4h': 3_600,
  '1d': 86_400,
};
/** Coinbase rejects a candles request spanning more than 300 buckets. */
const CANDLES_PER_REQUEST = 300;
const TRADES_PER_REQUEST = 1_000;
const SUBSCRIBE_ANSWER_MS = 5_000;
const CHANNELS = ['matches', 'heartbeat'] as const;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A plain decimal string of a JSON number (`1e-7` -> `0.0000001`). */
function numberText(value: number): string {
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, whole = '', fraction = '', exponentText = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`.replace(/\.?0+$/, '');
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Coinbase Exchange as a trade provider (the backup of the Binance feed): the public WebSocket feed's `matches` and
 * `heartbeat` channels for the mapped products, and the public REST market data for backfill, listings and
 * candles. Platform symbols are mapped to product ids by the configured map; others are ignored (reported once).
 */
export class CoinbaseProvider implements TradeProvider {
  readonly name = 'coinbase';
  readonly #wsUrl: string;
  readonly #products: ReadonlyMap<string, string>;
  readonly #symbolOf: Map<string, string>;
  readonly #rest: RestClient;
  readonly #socket: ReconnectingSocket;
  readonly #minGapMs: number;
  #listener: FeedListener | null = null;
  #running = false;
  /** Products wanted now, in `setSymbols` order. */
  #wanted: string[] = [];
  /** Products subscribed on the current connection. */
  #subscribed = new Set<string>();
  #waiter: Waiter | null = null;
  /** Symbols without a product, to report once each. */
  readonly #unmapped = new Set<string>();
  readonly #unmappedReported = new Set<string>();
  /** Highest trade id seen per product on the current connection, and the highest a heartbeat announced. */
  #seen = new Map<string, number>();
  #announced = new Map<string, number>();
  #lagMs: number | null = null;
  #nextRequestAt = 0;

  constructor(options: CoinbaseProviderOptions) {
    this.#wsUrl = options.wsUrl ?? 'wss://ws-feed.exchange.coinbase.com';
    this.#products = options.products;
    this.#symbolOf = new Map([...options.products].map(([symbol, product]) => [product, symbol]));
    const requestsPerSecond = options.requestsPerSecond ?? 8;
    this.#minGapMs = 1_000 / requestsPerSecond;
    const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const breaker = options.breaker ?? { failures: 5, cooldownMs: 30_000 };
    this.#rest = new RestClient({
      name: this.name,
      baseUrl: options.restUrl ?? 'https://api.exchange.coinbase.com',
      weightPerMinute: requestsPerSecond * 60,
      backoff,
      breaker,
      onBadInput: (bad) => this.#listener?.onBadInput(bad),
    });
    this.#socket = new ReconnectingSocket({
      name: this.name,
      url: () => this.#wsUrl,
      onOpen: (socket) => this.#subscribe(socket),
      onMessage: (text, receivedAt) => this.#onMessage(text, receivedAt),
      onState: (state, detail) => this.#listener?.onState(state, detail),
      staleAfterMs: options.staleAfterMs ?? 10_000,
      backoff,
      breaker,
    });
  }

  /** Connects once there is a mapped product to subscribe to (Coinbase drops a connection that subscribes to nothing). */
  async start(listener: FeedListener): Promise<void> {
    this.#listener = listener;
    this.#reportUnmapped();
    if (this.#wanted.length > 0) await this.#startSocket();
  }

  setSymbols(symbols: readonly string[]): void {
    const wanted: string[] = [];
    for (const symbol of symbols) {
      const product = this.#products.get(symbol);
      if (product === undefined) {
        if (!this.#unmappedReported.has(symbol)) this.#unmapped.add(symbol);
      } else if (!wanted.includes(product)) {
        wanted.push(product);
      }
    }
    this.#wanted = wanted;
    if (this.#listener === null) return;
    this.#reportUnmapped();
    if (wanted.length === 0) {
      if (this.#running) {
        this.#running = false;
        this.#subscribed = new Set();
        void this.#socket.stop();
      }
      return;
    }
    if (!this.#running) {
      void this.#startSocket();
      return;
    }
    // Sent on the current connection; a connection opened later subscribes to `#wanted` as a whole.
    this.#reconcile((text) => this.#socket.send(text));
  }

  reconnect(reason: string): void {
    this.#socket.reconnect(reason);
  }

  async listSymbols(): Promise<ReadonlyMap<string, ListedSymbol>> {
    const rows = await this.#get<unknown>('/products', {});
    if (!Array.isArray(rows)) throw this.#unexpected('/products', rows);
    const listed = new Map<string, ListedSymbol>();
    for (const row of rows as unknown[]) {
      if (typeof row !== 'object' || row === null) continue;
      const product = row as Record<string, unknown>;
      const symbol = typeof product['id'] === 'string' ? this.#symbolOf.get(product['id']) : undefined;
      if (symbol === undefined) continue;
      const status = String(product['status'] ?? 'unknown');
      const tradable = status === 'online' && product['trading_disabled'] !== true && product['cancel_only'] !== true;
      listed.set(symbol, {
        symbol,
        status: tradable ? 'TRADING' : product['trading_disabled'] === true ? 'trading_disabled' : status,
        baseAsset: String(product['base_currency'] ?? ''),
        quoteAsset: String(product['quote_currency'] ?? ''),
      });
    }
    return listed;
  }

  /**
   * Pages `GET /products/{id}/trades` toward newer trades: `before=<cursor>` answers the trades just above the
   * cursor, newest first, and the next cursor is the page's newest id (what `CB-BEFORE` says). Stops at `limit`
   * trades or at the newest trade.
   */
  async fetchTradesFrom(symbol: string, fromId: string, limit: number): Promise<Trade[]> {
    const product = this.#productOf(symbol);
    if (!/^\d+$/.test(fromId)) throw new RangeError(`coinbase: trade id must be a decimal integer, got ${fromId}`);
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`coinbase: limit must be positive, got ${limit}`);
    const from = BigInt(fromId);
    let cursor = from > 0n ? from - 1n : 0n;
    const trades: Trade[] = [];
    while (trades.length < limit) {
      const want = Math.min(TRADES_PER_REQUEST, limit - trades.length);
      const path = `/products/${product}/trades`;
      const rows = await this.#get<unknown>(path, { before: cursor.toString(), limit: want });
      if (!Array.isArray(rows)) throw this.#unexpected(path, rows);
      const page = (rows as unknown[]).map((row) => tradeFields(asRecord(row), symbol));
      page.sort((a, b) => compareIds(a.tradeId, b.tradeId));
      for (const trade of page) if (BigInt(trade.tradeId) >= from) trades.push(trade);
      const newest = page.at(-1);
      if (newest === undefined || page.length < want) break;
      const next = BigInt(newest.tradeId);
      if (next <= cursor) break; // a server that ignores the cursor: stop rather than loop
      cursor = next;
    }
    return trades.slice(0, limit);
  }

  /**
   * Closed candles from `GET /products/{id}/candles`, at most 300 buckets per request. Coinbase has no 4h
   * granularity: 4h candles are rolled up from its 1h rows (UTC-aligned, like Binance's). Coinbase publishes no row
   * for an interval without trades: such an interval after the first row becomes a flat candle at the previous
   * close with no volume and `trades: 0`; a published row says `trades: 1` (Coinbase gives no count, a row stands
   * for at least one), a rolled-up 4h candle the sum of its hours.
   */
  async fetchCandles(
    symbol: string,
    interval: Interval,
    startTime: number,
    endTime: number,
    limit: number,
  ): Promise<Candle[]> {
    const product = this.#productOf(symbol);
    const step = GRANULARITY[interval] * 1_000;
    const length = INTERVALS[interval];
    const now = Date.now();
    const end = Math.min(endTime, now);
    const path = `/products/${product}/candles`;
    const rows = new Map<number, Candle>();
    for (let from = Math.floor(startTime / length) * length; from < end; from += CANDLES_PER_REQUEST * step) {
      const to = Math.min(from + (CANDLES_PER_REQUEST - 1) * step, end);
      const page = await this.#get<unknown>(path, {
        granularity: GRANULARITY[interval],
        start: new Date(from).toISOString(),
        end: new Date(to).toISOString(),
      });
      if (!Array.isArray(page)) throw this.#unexpected(path, page);
      for (const row of page as unknown[]) {
        const candle = this.#candleRow(symbol, interval === '4h' ? '1h' : interval, row, path);
        if (candle.openTime >= from && candle.openTime <= to) rows.set(candle.openTime, candle);
      }
      if (interval !== '4h' && this.#countIn(rows, startTime, endTime, length, now) >= limit) break;
    }
    let candles = [...rows.values()].sort((a, b) => a.openTime - b.openTime);
    if (interval === '4h') candles = rollUp(candles, symbol);
    candles = fillQuietIntervals(candles, length).filter(
      (candle) => candle.openTime >= startTime && candle.openTime < endTime && candle.closeTime <= now,
    );
    return candles.slice(0, limit);
  }

  stats(): ProviderStats {
    const socket = this.#socket.stats();
    return {
      state: this.#running ? socket.state : 'DISCONNECTED',
      lastMessageAt: socket.lastMessageAt,
      reconnects: socket.reconnects,
      lagMs: this.#lagMs,
    };
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#subscribed = new Set();
    this.#waiter?.reject(new Error('stopped'));
    this.#waiter = null;
    await this.#socket.stop();
  }

  #reportUnmapped(): void {
    const listener = this.#listener;
    if (listener === null) return;
    for (const symbol of this.#unmapped) {
      this.#unmappedReported.add(symbol);
      listener.onBadInput({ kind: 'unmapped-symbol', sample: `${symbol} has no Coinbase product in the symbol map` });
    }
    this.#unmapped.clear();
  }

  async #startSocket(): Promise<void> {
    this.#running = true;
    await this.#socket.start();
  }

  #request(type: 'subscribe' | 'unsubscribe', products: readonly string[]): string {
    return JSON.stringify({ type, product_ids: products, channels: CHANNELS });
  }

  /** On each new connection: subscribes to everything wanted and waits for the `subscriptions` answer. */
  async #subscribe(socket: WebSocket): Promise<void> {
    this.#seen = new Map();
    this.#announced = new Map();
    const products = [...this.#wanted];
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        reject(new Error(`no subscriptions answer within ${SUBSCRIBE_ANSWER_MS} ms`));
      }, SUBSCRIBE_ANSWER_MS);
      this.#waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
    // Coinbase closes a connection that has not subscribed within 5 s: subscribe as soon as it is open.
    socket.send(this.#request('subscribe', products));
    await answered;
    this.#subscribed = new Set(products);
    // `setSymbols` may have changed the wanted products while this connection was subscribing.
    this.#reconcile((text) => {
      socket.send(text);
      return true;
    });
    this.#listener?.onConnected();
  }

  /** Subscribes to the wanted products not subscribed yet and unsubscribes from those no longer wanted. */
  #reconcile(send: (text: string) => boolean): void {
    const added = this.#wanted.filter((product) => !this.#subscribed.has(product));
    const removed = [...this.#subscribed].filter((product) => !this.#wanted.includes(product));
    if (added.length > 0 && send(this.#request('subscribe', added))) {
      for (const product of added) this.#subscribed.add(product);
    }
    if (removed.length > 0 && send(this.#request('unsubscribe', removed))) {
      for (const product of removed) this.#subscribed.delete(product);
    }
  }

  #onMessage(text: string, receivedAt: number): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.#bad('invalid-json', text);
      return;
    }
    const type = typeof message === 'object' && message !== null ? (message as Record<string, unknown>)['type'] : null;
    switch (type) {
      case 'match':
      case 'last_match':
        this.#onMatch(message, text, receivedAt);
        return;
      case 'heartbeat':
        this.#onHeartbeat(message as Record<string, unknown>);
        return;
      case 'subscriptions': {
        const waiter = this.#waiter;
        this.#waiter = null;
        waiter?.resolve();
        return;
      }
      case 'error': {
        this.#bad('error', text);
        const waiter = this.#waiter;
        this.#waiter = null;
        waiter?.reject(new Error(`subscribe refused: ${text.slice(0, 200)}`));
        return;
      }
      default:
        this.#bad('unknown-event', text);
    }
  }

  #onMatch(message: unknown, text: string, receivedAt: number): void {
    let trade: Trade;
    try {
      trade = normalizeCoinbaseMatch(message, (product) => this.#symbolOf.get(product));
    } catch (error) {
      if (!(error instanceof MalformedTradeError)) throw error;
      this.#bad('malformed-trade', text);
      return;
    }
    this.#lagMs = receivedAt - trade.time;
    const product = (message as Record<string, unknown>)['product_id'] as string;
    const id = Number(trade.tradeId);
    if (id > (this.#seen.get(product) ?? -1)) this.#seen.set(product, id);
    this.#listener?.onTrades([trade]);
  }

  /**
   * A heartbeat announcing a trade id above the last one this connection delivered means the newest trades were
   * lost on the way (no later trade will reveal the hole): the owner is told to backfill, as after a reconnect.
   */
  #onHeartbeat(message: Record<string, unknown>): void {
    const product = message['product_id'];
    const last = message['last_trade_id'];
    if (typeof product !== 'string' || typeof last !== 'number' || !Number.isSafeInteger(last) || last <= 0) return;
    const seen = this.#seen.get(product);
    if (seen === undefined || last <= seen || last <= (this.#announced.get(product) ?? 0)) return;
    this.#announced.set(product, last);
    this.#listener?.onConnected();
  }

  #bad(kind: string, text: string): void {
    this.#listener?.onBadInput({ kind, sample: text.slice(0, 200) } satisfies BadInput);
  }

  #productOf(symbol: string): string {
    const product = this.#products.get(symbol);
    if (product === undefined) throw new RangeError(`coinbase: ${symbol} has no product in the symbol map`);
    return product;
  }

  /** A REST GET, spaced to `requestsPerSecond` (the client's bucket holds a minute's worth: it would allow bursts). */
  async #get<T>(path: string, query: Record<string, string | number>): Promise<T> {
    const now = Date.now();
    const at = Math.max(now, this.#nextRequestAt);
    this.#nextRequestAt = at + this.#minGapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    return this.#rest.getJson<T>(path, query, 1);
  }

  #unexpected(path: string, body: unknown): Error {
    const sample = JSON.stringify(body)?.slice(0, 200) ?? String(body);
    this.#listener?.onBadInput({ kind: 'rest-error', sample });
    return new Error(`coinbase REST ${path}: unexpected response ${sample}`);
  }

  #candleRow(symbol: string, interval: Interval, row: unknown, path: string): Candle {
    if (!Array.isArray(row) || row.length < 6 || !row.slice(0, 6).every((cell) => Number.isFinite(cell))) {
      throw this.#unexpected(path, row);
    }
    const [time, low, high, open, close, volume] = row as number[];
    const openTime = (time as number) * 1_000;
    const closeTime = openTime + INTERVALS[interval];
    return {
      symbol,
      interval,
      openTime,
      closeTime,
      open: numberText(open as number),
      high: numberText(high as number),
      low: numberText(low as number),
      close: numberText(close as number),
      volume: numberText(volume as number),
      trades: 1,
      source: 'coinbase',
      complete: true,
      lastTradeTime: closeTime - 1,
    };
  }

  #countIn(rows: ReadonlyMap<number, Candle>, startTime: number, endTime: number, length: number, now: number) {
    let count = 0;
    for (const openTime of rows.keys()) {
      if (openTime >= startTime && openTime < endTime && openTime + length <= now) count++;
    }
    return count;
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** 4h candles from consecutive 1h rows, aligned at UTC multiples of 4h. */
function rollUp(hours: readonly Candle[], symbol: string): Candle[] {
  const length = INTERVALS['4h'];
  const groups = new Map<number, Candle[]>();
  for (const hour of hours) {
    const openTime = Math.floor(hour.openTime / length) * length;
    const group = groups.get(openTime) ?? [];
    group.push(hour);
    groups.set(openTime, group);
  }
  return [...groups].map(([openTime, group]) => {
    const volume = new DecimalSum();
    for (const hour of group) volume.add(toScaled(hour.volume));
    const first = group[0] as Candle;
    const last = group.at(-1) as Candle;
    return {
      symbol,
      interval: '4h',
      openTime,
      closeTime: openTime + length,
      open: first.open,
      high: group.reduce((max, hour) => (Number(hour.high) > Number(max) ? hour.high : max), first.high),
      low: group.reduce((min, hour) => (Number(hour.low) < Number(min) ? hour.low : min), first.low),
      close: last.close,
      volume: volume.toString(),
      trades: group.reduce((sum, hour) => sum + hour.trades, 0),
      source: 'coinbase',
      complete: true,
      lastTradeTime: openTime + length - 1,
    } satisfies Candle;
  });
}

/** Flat candles (previous close, no volume, no trades) for the intervals between rows Coinbase left out. */
function fillQuietIntervals(candles: readonly Candle[], length: number): Candle[] {
  const filled: Candle[] = [];
  for (const candle of candles) {
    const previous = filled.at(-1);
    if (previous !== undefined) {
      for (let openTime = previous.closeTime; openTime < candle.openTime; openTime += length) {
        filled.push({
          ...previous,
          openTime,
          closeTime: openTime + length,
          open: previous.close,
          high: previous.close,
          low: previous.close,
          close: previous.close,
          volume: '0',
          trades: 0,
          lastTradeTime: previous.lastTradeTime,
        });
      }
    }
    filled.push(candle);
  }
  return filled;
}
