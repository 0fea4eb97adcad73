import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

/** A Binance `<symbol>@trade` event, as recorded. */
export interface BinanceTradePayload {
  readonly e: 'trade';
  readonly E: number;
  readonly s: string;
  readonly t: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
  readonly M?: boolean;
}

/** One `exchangeInfo` symbol (the fields the platform reads). */
export interface FakeBinanceSymbol {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
}

export interface FakeBinanceOptions {
  /** The trades to publish, in publication order (ids strictly increasing per symbol). */
  readonly trades: readonly BinanceTradePayload[];
  /** The market clock retimed trades are stamped with (default `Date.now`; a test may run it faster). */
  readonly clock?: () => number;
  /** `exchangeInfo` symbols; default: every symbol of `trades`, TRADING, quote asset = the last 3 letters. */
  readonly symbols?: readonly FakeBinanceSymbol[];
  /** How many leading trades are already history at start, never sent on a stream (default 0). */
  readonly published?: number;
  /** Trades published per second of the fake's clock (default 100). */
  readonly ratePerSecond?: number;
  /**
   * Start with the trade clock stopped: nothing is published live until `resume()` (default false). A test that
   * pauses right after the start would otherwise let the time the start took count, on a busy machine seconds.
   */
  readonly paused?: boolean;
  /** Rewrite `T` (and `E`) to the wall time a trade is published (default true); false keeps the recorded times. */
  readonly retime?: boolean;
  /** Connections older than this are closed, like Binance's 24 h limit (default 24 h). */
  readonly maxConnectionMs?: number;
  /** Ping frame period (default 20 s, as Binance). */
  readonly pingIntervalMs?: number;
  /** Incoming messages (text, ping, pong) a connection may send per second before it is cut (default 5). */
  readonly maxMessagesPerSecond?: number;
  /** Streams one connection may hold before it is cut (default 1024). */
  readonly maxStreamsPerConnection?: number;
  /** REST request weight per minute before 429s (default 6000). */
  readonly weightPerMinute?: number;
}

/** One REST request the fake answered. */
export interface FakeRestRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  readonly at: number;
}

export interface FakeBinance {
  /** `ws://127.0.0.1:<port>`: connect to `${wsUrl}/stream?streams=...`. */
  readonly wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  readonly restUrl: string;
  close(): Promise<void>;
  /** Terminates every websocket connection (no close frame). */
  drop(): void;
  /** For `ms`: connections stay open but get nothing, not even pings; trades published meanwhile are never sent. */
  stall(ms: number): void;
  /** Trades with ids in [fromId, toId] are never sent on the stream (they are still served over REST). */
  skipIds(fromId: number, toId: number): void;
  /** The next `count` REST calls are answered `status` with `Retry-After: retryAfterSeconds`. */
  rateLimit(count: number, retryAfterSeconds: number, status?: number): void;
  /** The next `count` REST calls fail with `status` and an HTML body (a proxy's error page). */
  failRest(count: number, status?: number): void;
  /** Sends a text frame to every connection. */
  sendRaw(text: string): void;
  /** Sends the `serverShutdown` event to every connection. */
  serverShutdown(): void;
  /** Sends a ping frame to every connection; resolves when each has answered with a pong carrying its payload. */
  ping(): Promise<void>;
  /** Trade frames sent, per symbol (over all connections). */
  readonly sent: ReadonlyMap<string, number>;
  /** Trades published by the clock so far, per symbol (sent or not). */
  readonly published: ReadonlyMap<string, number>;
  readonly requests: readonly FakeRestRequest[];
  /** The most incoming messages any connection sent within one second. */
  readonly controlMessages: number;
  /** Connections cut for going over the message rate or the stream limit. */
  readonly violations: number;
  /** Connections opened so far. */
  readonly connections: number;
  /** The streams each open connection has, in connection order. */
  subscriptions(): string[][];
  /** Stops and restarts the trade clock. */
  pause(): void;
  resume(): void;
}

/** Reads a Binance `@trade` ndjson recording. */
export function readBinanceTrades(path: string): BinanceTradePayload[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BinanceTradePayload);
}

/** Interleaves several per-symbol trade lists by trade time (stable), the order an exchange would publish them. */
export function mergeByTime(...lists: (readonly BinanceTradePayload[])[]): BinanceTradePayload[] {
  return lists.flat().sort((a, b) => a.T - b.T);
}

const WEIGHTS: Record<string, number> = {
  '/api/v3/exchangeInfo': 20,
  '/api/v3/historicalTrades': 25,
  '/api/v3/klines': 2,
};

const KLINE_MS: Record<string, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
};

interface Connection {
  readonly ws: WebSocket;
  readonly streams: Set<string>;
  readonly incoming: number[];
  readonly ageTimer: NodeJS.Timeout;
}

class BadRequest extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A local Binance spot stand-in speaking the real protocol: combined streams with live SUBSCRIBE / UNSUBSCRIBE /
 * LIST_SUBSCRIPTIONS, ping frames, the connection limits (message rate, streams, age), and the REST endpoints
 * `exchangeInfo`, `historicalTrades` and `klines` with the used-weight header and 429s.
 */
export async function startFakeBinance(options: FakeBinanceOptions): Promise<FakeBinance> {
  const rate = options.ratePerSecond ?? 100;
  const retime = options.retime ?? true;
  const maxConnectionMs = options.maxConnectionMs ?? 86_400_000;
  const pingIntervalMs = options.pingIntervalMs ?? 20_000;
  const maxMessages = options.maxMessagesPerSecond ?? 5;
  const maxStreams = options.maxStreamsPerConnection ?? 1024;
  const weightLimit = options.weightPerMinute ?? 6000;
  const symbols: readonly FakeBinanceSymbol[] =
    options.symbols ??
    [...new Set(options.trades.map((trade) => trade.s))].map((symbol) => ({
      symbol,
      status: 'TRADING',
      baseAsset: symbol.slice(0, -3),
      quoteAsset: symbol.slice(-3),
    }));

  const connections = new Set<Connection>();
  const history = new Map<string, BinanceTradePayload[]>();
  const sent = new Map<string, number>();
  const published = new Map<string, number>();
  const requests: FakeRestRequest[] = [];
  const skipped: [number, number][] = [];
  let controlMessages = 0;
  let violations = 0;
  let opened = 0;
  let stalledUntil = 0;
  let throttle: { count: number; retryAfter: number; status: number } | null = null;
  let failing: { count: number; status: number } | null = null;
  let weightWindow = 0;
  let weightUsed = 0;

  // The trade clock: trade i is due once (i / rate) seconds of unpaused time have passed since the start.
  const startedAt = Date.now();
  let pausedAt: number | null = options.paused === true ? startedAt : null;
  let pausedTotal = 0;
  let next = 0;
  for (; next < Math.min(options.published ?? 0, options.trades.length); next++) {
    const trade = options.trades[next] as BinanceTradePayload;
    const list = history.get(trade.s);
    if (list === undefined) history.set(trade.s, [trade]);
    else list.push(trade);
    published.set(trade.s, (published.get(trade.s) ?? 0) + 1);
  }

  const stalled = (): boolean => Date.now() < stalledUntil;
  const send = (connection: Connection, text: string): void => {
    if (!stalled() && connection.ws.readyState === connection.ws.OPEN) connection.ws.send(text);
  };

  function publish(): void {
    if (pausedAt !== null) return;
    const elapsed = Date.now() - startedAt - pausedTotal;
    const due = Math.min(options.trades.length, (options.published ?? 0) + Math.floor((elapsed * rate) / 1000) + 1);
    for (; next < due; next++) {
      const original = options.trades[next];
      if (original === undefined) break;
      const now = (options.clock ?? Date.now)();
      const trade: BinanceTradePayload = retime
        ? { ...original, T: now, E: now + (original.E - original.T) }
        : original;
      const list = history.get(trade.s) ?? [];
      list.push(trade);
      history.set(trade.s, list);
      published.set(trade.s, (published.get(trade.s) ?? 0) + 1);
      if (stalled() || skipped.some(([from, to]) => trade.t >= from && trade.t <= to)) continue;
      const stream = `${trade.s.toLowerCase()}@trade`;
      const frame = JSON.stringify({ stream, data: trade });
      for (const connection of connections) {
        if (!connection.streams.has(stream) || connection.ws.readyState !== connection.ws.OPEN) continue;
        connection.ws.send(frame);
        sent.set(trade.s, (sent.get(trade.s) ?? 0) + 1);
      }
    }
  }
  const clock = setInterval(publish, 5);

  function cut(connection: Connection, reason: string): void {
    violations++;
    connection.ws.close(1008, reason);
    setTimeout(() => connection.ws.terminate(), 200).unref();
  }

  // Binance counts every incoming text message, ping and pong against the connection's per-second budget.
  function countIncoming(connection: Connection): boolean {
    const now = Date.now();
    connection.incoming.push(now);
    while ((connection.incoming[0] ?? now) <= now - 1000) connection.incoming.shift();
    controlMessages = Math.max(controlMessages, connection.incoming.length);
    if (connection.incoming.length > maxMessages) {
      cut(connection, 'Too many messages');
      return false;
    }
    return true;
  }

  function onControl(connection: Connection, data: RawData): void {
    if (!countIncoming(connection)) return;
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(String(data)) as typeof request;
    } catch {
      send(connection, JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
      return;
    }
    const id = request.id ?? null;
    const params = Array.isArray(request.params) ? request.params.map(String) : [];
    let reply: unknown;
    switch (request.method) {
      case 'SUBSCRIBE':
        for (const stream of params) connection.streams.add(stream);
        if (connection.streams.size > maxStreams) {
          cut(connection, 'Too many streams');
          return;
        }
        reply = { result: null, id };
        break;
      case 'UNSUBSCRIBE':
        for (const stream of params) connection.streams.delete(stream);
        reply = { result: null, id };
        break;
      case 'LIST_SUBSCRIPTIONS':
        reply = { result: [...connection.streams], id };
        break;
      default:
        reply = {
          code: 2,
          msg: `Invalid request: unknown variant ${String(request.method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`,
          id,
        };
    }
    send(connection, JSON.stringify(reply));
  }

  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((request, response) => {
    try {
      serveRest(request, response);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  server.on('upgrade', (request, tcp, head) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (url.pathname !== '/stream') {
      tcp.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const streams = (url.searchParams.get('streams') ?? '').split('/').filter((name) => name !== '');
    wss.handleUpgrade(request, tcp, head, (ws) => {
      opened++;
      const connection: Connection = {
        ws,
        streams: new Set(streams),
        incoming: [],
        ageTimer: setTimeout(() => ws.close(1000, 'connection age limit'), maxConnectionMs),
      };
      connections.add(connection);
      ws.on('close', () => {
        clearTimeout(connection.ageTimer);
        connections.delete(connection);
      });
      ws.on('error', () => {});
      ws.on('message', (data) => onControl(connection, data));
      ws.on('ping', () => countIncoming(connection));
      ws.on('pong', () => countIncoming(connection));
      if (connection.streams.size > maxStreams) cut(connection, 'Too many streams');
    });
  });
  const pinger = setInterval(() => {
    if (stalled()) return;
    for (const connection of connections) connection.ws.ping();
  }, pingIntervalMs);

  function serveRest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const answer = (status: number, body: string, headers: Record<string, string> = {}): void => {
      requests.push({ path: url.pathname, query, status, at: Date.now() });
      response.writeHead(status, headers).end(body);
    };
    const weight = WEIGHTS[url.pathname];
    if (request.method !== 'GET' || weight === undefined) {
      answer(404, JSON.stringify({ code: -1000, msg: 'Not found' }), { 'content-type': 'application/json' });
      return;
    }
    if (throttle !== null && throttle.count > 0) {
      throttle.count--;
      const { status, retryAfter } = throttle;
      answer(status, JSON.stringify({ code: -1003, msg: 'Too many requests; IP banned until later.' }), {
        'content-type': 'application/json',
        'retry-after': String(retryAfter),
      });
      return;
    }
    if (failing !== null && failing.count > 0) {
      failing.count--;
      answer(failing.status, `<html><body><h1>${failing.status}</h1>upstream unavailable</body></html>`, {
        'content-type': 'text/html',
      });
      return;
    }
    const window = Math.floor(Date.now() / 60_000);
    if (window !== weightWindow) {
      weightWindow = window;
      weightUsed = 0;
    }
    weightUsed += weight;
    const headers = { 'content-type': 'application/json', 'x-mbx-used-weight-1m': String(weightUsed) };
    if (weightUsed > weightLimit) {
      const retryAfter = Math.ceil(((window + 1) * 60_000 - Date.now()) / 1000);
      answer(429, JSON.stringify({ code: -1003, msg: 'Too much request weight used' }), {
        ...headers,
        'retry-after': String(retryAfter),
      });
      return;
    }
    publish();
    try {
      answer(200, JSON.stringify(route(url.pathname, query)), headers);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      answer(400, JSON.stringify({ code: error.code, msg: error.message }), headers);
    }
  }

  function route(path: string, query: Record<string, string>): unknown {
    if (path === '/api/v3/exchangeInfo') {
      return {
        timezone: 'UTC',
        serverTime: Date.now(),
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit }],
        exchangeFilters: [],
        symbols: symbols.map((symbol) => ({ ...symbol, baseAssetPrecision: 8, quotePrecision: 8, filters: [] })),
      };
    }
    const symbol = query['symbol'];
    if (symbol === undefined) throw new BadRequest(-1102, "Mandatory parameter 'symbol' was not sent.");
    if (!symbols.some((listed) => listed.symbol === symbol)) throw new BadRequest(-1121, 'Invalid symbol.');
    const limit = integer(query['limit'], 500);
    if (limit < 1 || limit > 1000) throw new BadRequest(-1130, "Invalid data sent for a parameter 'limit'.");
    const trades = history.get(symbol) ?? [];
    if (path === '/api/v3/historicalTrades') {
      const fromId = query['fromId'];
      const rows =
        fromId === undefined
          ? trades.slice(-limit)
          : trades.filter((trade) => trade.t >= integer(fromId, 0)).slice(0, limit);
      return rows.map((trade) => ({
        id: trade.t,
        price: trade.p,
        qty: trade.q,
        quoteQty: decimalMultiply(trade.p, trade.q),
        time: trade.T,
        isBuyerMaker: trade.m,
        isBestMatch: trade.M ?? true,
      }));
    }
    const length = KLINE_MS[query['interval'] ?? ''];
    if (length === undefined) throw new BadRequest(-1120, 'Invalid interval.');
    const startTime = integer(query['startTime'], 0);
    const endTime = integer(query['endTime'], Number.MAX_SAFE_INTEGER);
    return klines(trades, length, startTime, endTime).slice(0, limit);
  }

  const fake: FakeBinance = {
    wsUrl: '',
    restUrl: '',
    async close() {
      clearInterval(clock);
      clearInterval(pinger);
      for (const connection of connections) {
        clearTimeout(connection.ageTimer);
        connection.ws.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    drop() {
      for (const connection of connections) connection.ws.terminate();
    },
    stall(ms) {
      stalledUntil = Date.now() + ms;
    },
    skipIds(fromId, toId) {
      skipped.push([fromId, toId]);
    },
    rateLimit(count, retryAfterSeconds, status = 429) {
      throttle = { count, retryAfter: retryAfterSeconds, status };
    },
    failRest(count, status = 503) {
      failing = { count, status };
    },
    sendRaw(text) {
      for (const connection of connections) send(connection, text);
    },
    serverShutdown() {
      const text = JSON.stringify({ event: { e: 'serverShutdown', E: Date.now() } });
      for (const connection of connections) send(connection, text);
    },
    ping() {
      const waits = [...connections].map((connection, index) => {
        const payload = `ping-${Date.now()}-${index}`;
        return new Promise<void>((resolve) => {
          const onPong = (data: Buffer): void => {
            if (data.toString() !== payload) return;
            connection.ws.off('pong', onPong);
            resolve();
          };
          connection.ws.on('pong', onPong);
          connection.ws.ping(payload);
        });
      });
      return Promise.all(waits).then(() => {});
    },
    sent,
    published,
    requests,
    get controlMessages() {
      return controlMessages;
    },
    get violations() {
      return violations;
    },
    get connections() {
      return opened;
    },
    subscriptions() {
      return [...connections].map((connection) => [...connection.streams]);
    },
    pause() {
      pausedAt ??= Date.now();
    },
    resume() {
      if (pausedAt === null) return;
      pausedTotal += Date.now() - pausedAt;
      pausedAt = null;
    },
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, { wsUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` });
}

function integer(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new BadRequest(-1100, 'Illegal characters found in a parameter.');
  return parsed;
}

/** Binance kline rows from trades: only intervals with at least one trade. */
function klines(trades: readonly BinanceTradePayload[], length: number, startTime: number, endTime: number) {
  const rows: (string | number)[][] = [];
  let current: (string | number)[] | null = null;
  for (const trade of trades) {
    const openTime = Math.floor(trade.T / length) * length;
    if (openTime < startTime || openTime > endTime) continue;
    const quote = decimalMultiply(trade.p, trade.q);
    if (current === null || current[0] !== openTime) {
      current = [openTime, trade.p, trade.p, trade.p, trade.p, '0', openTime + length - 1, '0', 0, '0', '0', '0'];
      rows.push(current);
    }
    if (Number(trade.p) > Number(current[2])) current[2] = trade.p;
    if (Number(trade.p) < Number(current[3])) current[3] = trade.p;
    current[4] = trade.p;
    current[5] = decimalAdd(String(current[5]), trade.q);
    current[7] = decimalAdd(String(current[7]), quote);
    current[8] = Number(current[8]) + 1;
    if (!trade.m) {
      current[9] = decimalAdd(String(current[9]), trade.q);
      current[10] = decimalAdd(String(current[10]), quote);
    }
  }
  return rows;
}

function scaled(value: string, scale: number): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

function decimals(value: string): number {
  return value.split('.')[1]?.length ?? 0;
}

function format(value: bigint, scale: number): string {
  if (scale === 0) return value.toString();
  const digits = value.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Exact sum of two plain decimal strings. */
function decimalAdd(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b));
  return format(scaled(a, scale) + scaled(b, scale), scale);
}

/** Exact product of two plain decimal strings. */
function decimalMultiply(a: string, b: string): string {
  const scale = decimals(a) + decimals(b);
  return format(scaled(a, decimals(a)) * scaled(b, decimals(b)), scale);
}
