import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type WebSocket, WebSocketServer } from 'ws';

/** One trade on the fake exchange's tape. `makerSide` is what Coinbase calls `side`: the resting order's side. */
export interface FakeCoinbaseTrade {
  readonly productId: string;
  readonly tradeId: number;
  readonly price: string;
  readonly size: string;
  /** Exchange time, ms since the epoch. */
  readonly time: number;
  readonly makerSide: 'buy' | 'sell';
}

export interface FakeCoinbaseOptions {
  /** The tape, in the order the exchange prints it; trade ids strictly increasing per product. */
  readonly trades: readonly FakeCoinbaseTrade[];
  /** Tape speed: trades printed per second (default 200). */
  readonly ratePerSecond?: number;
  /** Stamp each trade with the wall clock when it is printed instead of its recorded time (default false). */
  readonly retime?: boolean;
  /** The market clock retimed trades are stamped with (default `Date.now`; a test may run it faster). */
  readonly clock?: () => number;
  /** How many leading trades are already history when the server starts (default 0). */
  readonly published?: number;
  /** Start with the tape paused (default false): nothing more is printed until `resume()`. */
  readonly paused?: boolean;
  /** Product ids listed by `GET /products` besides those of the tape (listed without trades). */
  readonly extraProducts?: readonly string[];
}

/** A REST request the fake answered. */
export interface FakeCoinbaseRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/** A running fake of Coinbase Exchange: the WebSocket feed and the public REST market data, on 127.0.0.1. */
export interface FakeCoinbase {
  /** The feed, like `wss://ws-feed.exchange.coinbase.com`. */
  readonly wsUrl: string;
  /** The REST base, like `https://api.exchange.coinbase.com`. */
  readonly restUrl: string;
  /** Every frame clients sent over the feed, JSON-decoded when it decodes, the raw text otherwise. */
  readonly sent: unknown[];
  /** Every REST request, in arrival order. */
  readonly requests: FakeCoinbaseRequest[];
  /** Feed connections accepted so far. */
  connections(): number;
  /** Connections closed by the server because no subscribe came within 5 s. */
  kicked(): number;
  /** Trades printed so far on `productId` (history, what REST serves). */
  printed(productId: string): number;
  /** Cuts every feed connection at once, without a close handshake. */
  drop(): void;
  /** The connections open now send nothing at all for `ms` (new connections are served normally). */
  stall(ms: number): void;
  /** Trades with ids in [from, to] are printed (REST has them) but never sent over the feed. */
  skipIds(from: number, to: number): void;
  /** Sends `text` as-is to every open feed connection. */
  sendRaw(text: string): void;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** The recorded ETH/USDT trades (Binance, 2023-02-02 09:20 UTC, 1,000 rows) the fake replays as `ETH-USDT`. */
export const ETHUSDT_TRADES_CSV: string = fileURLToPath(
  new URL('../../../fixtures/market/trades-ETHUSDT-2023-02-02.csv', import.meta.url),
);

/**
 * Reads a trades CSV (`timestamp,id,side,price,amount` columns; `side` is the taker's) as a Coinbase tape of
 * `productId`: Coinbase prints the maker's side, the opposite of the taker's.
 */
export function readCoinbaseTape(file: string, productId: string): FakeCoinbaseTrade[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${file}: no "${name}" column`);
    return index;
  };
  const [time, id, side, price, amount] = ['timestamp', 'id', 'side', 'price', 'amount'].map(column) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const taker = cells[side];
    if (taker !== 'buy' && taker !== 'sell') throw new Error(`${file}: bad side in ${line}`);
    return {
      productId,
      tradeId: Number(cells[id]),
      price: cells[price] ?? '',
      size: cells[amount] ?? '',
      time: Number(cells[time]),
      makerSide: taker === 'buy' ? 'sell' : 'buy',
    };
  });
}

const SUBSCRIBE_WITHIN_MS = 5_000;
const HEARTBEAT_MS = 1_000;
const TICK_MS = 10;
const MAX_PAGE = 1_000;
const MAX_CANDLES = 300;
const GRANULARITIES = new Set([60, 300, 900, 3_600, 21_600, 86_400]);
const CHANNELS = new Set(['matches', 'heartbeat']);

interface Printed {
  readonly tradeId: number;
  readonly price: string;
  readonly size: string;
  readonly time: number;
  readonly makerSide: 'buy' | 'sell';
  readonly sequence: number;
  readonly makerOrderId: string;
  readonly takerOrderId: string;
}

interface Product {
  readonly id: string;
  readonly history: Printed[];
  sequence: number;
}

interface Connection {
  readonly socket: WebSocket;
  /** channel name -> product ids */
  readonly subscriptions: Map<string, Set<string>>;
  silentUntil: number;
  deadline: NodeJS.Timeout | undefined;
}

/** Coinbase's timestamp format: ISO 8601 UTC with microseconds. */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** Exact sum of plain decimal strings, as a decimal string. */
function decimalSum(values: readonly string[]): string {
  let scale = 0;
  for (const value of values) scale = Math.max(scale, (value.split('.')[1] ?? '').length);
  let total = 0n;
  for (const value of values) {
    const [whole = '0', fraction = ''] = value.split('.');
    total += BigInt(whole + fraction.padEnd(scale, '0'));
  }
  const digits = total.toString().padStart(scale + 1, '0');
  if (scale === 0) return digits;
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/0+$/, '');
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function parseTime(value: string): number {
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1_000 : Date.parse(value);
}

/**
 * Starts a fake Coinbase Exchange on a free port of 127.0.0.1. It prints the tape at `ratePerSecond` and speaks the
 * real protocol: a feed connection must subscribe within 5 s or is closed; `subscribe` / `unsubscribe` are answered
 * with `subscriptions`; a new `matches` subscriber first gets the product's `last_match`, then every `match`;
 * `heartbeat` comes every second per product with `sequence` and `last_trade_id`; bad requests get `error`
 * messages. REST serves `GET /products`, `GET /products/{id}`, `GET /products/{id}/trades` (newest first, paged by
 * trade id with `before` (newer) / `after` (older) / `limit` and `CB-BEFORE` / `CB-AFTER` headers) and
 * `GET /products/{id}/candles` (rows `[time s, low, high, open, close, volume]`, newest first, at most 300).
 */
export async function startFakeCoinbase(options: FakeCoinbaseOptions): Promise<FakeCoinbase> {
  const tape = options.trades;
  const rate = options.ratePerSecond ?? 200;
  const products = new Map<string, Product>();
  for (const id of [...tape.map((trade) => trade.productId), ...(options.extraProducts ?? [])]) {
    if (!products.has(id)) products.set(id, { id, history: [], sequence: 1_000 });
  }
  const connections = new Set<Connection>();
  const skipped: [number, number][] = [];
  const sent: unknown[] = [];
  const requests: FakeCoinbaseRequest[] = [];
  let accepted = 0;
  let kicked = 0;
  let next = 0;
  let paused = options.paused ?? false;
  let credit = 0;
  let lastTick = performance.now();
  let lastTime = 0;

  const send = (connection: Connection, message: unknown): void => {
    if (connection.silentUntil > Date.now() || connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  };

  const matchMessage = (type: 'match' | 'last_match', productId: string, trade: Printed) => ({
    type,
    trade_id: trade.tradeId,
    maker_order_id: trade.makerOrderId,
    taker_order_id: trade.takerOrderId,
    side: trade.makerSide,
    size: trade.size,
    price: trade.price,
    product_id: productId,
    sequence: trade.sequence,
    time: isoMicros(trade.time),
  });

  const print = (trade: FakeCoinbaseTrade): void => {
    const product = products.get(trade.productId);
    if (product === undefined) return;
    product.sequence += 1;
    const time = options.retime ? Math.max(lastTime, (options.clock ?? Date.now)()) : trade.time;
    lastTime = time;
    const printed: Printed = {
      tradeId: trade.tradeId,
      price: trade.price,
      size: trade.size,
      time,
      makerSide: trade.makerSide,
      sequence: product.sequence,
      makerOrderId: randomUUID(),
      takerOrderId: randomUUID(),
    };
    product.history.push(printed);
    if (skipped.some(([from, to]) => trade.tradeId >= from && trade.tradeId <= to)) return;
    for (const connection of connections) {
      if (connection.subscriptions.get('matches')?.has(product.id)) {
        send(connection, matchMessage('match', product.id, printed));
      }
    }
  };

  for (; next < Math.min(options.published ?? 0, tape.length); next++) print(tape[next] as FakeCoinbaseTrade);

  const ticker = setInterval(() => {
    const now = performance.now();
    if (!paused) credit += ((now - lastTick) * rate) / 1_000;
    lastTick = now;
    while (credit >= 1 && next < tape.length) {
      print(tape[next] as FakeCoinbaseTrade);
      next++;
      credit -= 1;
    }
    if (next >= tape.length) credit = 0;
  }, TICK_MS);

  const heartbeats = setInterval(() => {
    for (const connection of connections) {
      for (const productId of connection.subscriptions.get('heartbeat') ?? []) {
        const product = products.get(productId);
        if (product === undefined) continue;
        send(connection, {
          type: 'heartbeat',
          sequence: product.sequence,
          last_trade_id: product.history.at(-1)?.tradeId ?? 0,
          product_id: productId,
          time: isoMicros(Date.now()),
        });
      }
    }
  }, HEARTBEAT_MS);

  const subscriptionsMessage = (connection: Connection) => ({
    type: 'subscriptions',
    channels: [...connection.subscriptions]
      .filter(([, ids]) => ids.size > 0)
      .map(([name, ids]) => ({ name, product_ids: [...ids] })),
  });

  const onFrame = (connection: Connection, text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
      sent.push(message);
    } catch {
      sent.push(text);
      send(connection, { type: 'error', message: 'Failed to parse JSON', reason: 'malformed JSON' });
      return;
    }
    const request = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
    const type = request['type'];
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      send(connection, {
        type: 'error',
        message: 'Failed to subscribe',
        reason: `Type has to be either subscribe or unsubscribe`,
      });
      return;
    }
    const topIds = Array.isArray(request['product_ids']) ? (request['product_ids'] as unknown[]) : [];
    const wanted = new Map<string, unknown[]>();
    for (const channel of Array.isArray(request['channels']) ? (request['channels'] as unknown[]) : []) {
      if (typeof channel === 'string') wanted.set(channel, topIds);
      else if (typeof channel === 'object' && channel !== null) {
        const named = channel as Record<string, unknown>;
        const ids = Array.isArray(named['product_ids']) ? (named['product_ids'] as unknown[]) : topIds;
        wanted.set(String(named['name']), ids);
      }
    }
    for (const [name, ids] of wanted) {
      const fail = (reason: string): void =>
        send(connection, { type: 'error', message: 'Failed to subscribe', reason });
      if (!CHANNELS.has(name)) return fail(`${name} is not a valid channel`);
      if (type === 'subscribe' && ids.length === 0) {
        return fail(`You need to specify at least one product ID for channel ${name}`);
      }
      for (const id of ids) {
        if (typeof id !== 'string' || !products.has(id)) return fail(`${String(id)} is not a valid product`);
      }
    }
    if (wanted.size === 0) {
      send(connection, { type: 'error', message: 'Failed to subscribe', reason: 'No channels provided' });
      return;
    }
    const newlyMatched: string[] = [];
    for (const [name, ids] of wanted) {
      const current = connection.subscriptions.get(name) ?? new Set<string>();
      connection.subscriptions.set(name, current);
      if (type === 'unsubscribe') {
        if (ids.length === 0) current.clear();
        for (const id of ids) current.delete(id as string);
        continue;
      }
      for (const id of ids as string[]) {
        if (name === 'matches' && !current.has(id)) newlyMatched.push(id);
        current.add(id);
      }
    }
    if (type === 'subscribe' && connection.deadline !== undefined) {
      clearTimeout(connection.deadline);
      connection.deadline = undefined;
    }
    send(connection, subscriptionsMessage(connection));
    for (const id of newlyMatched) {
      const last = products.get(id)?.history.at(-1);
      if (last !== undefined) send(connection, matchMessage('last_match', id, last));
    }
  };

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  };

  const productJson = (product: Product) => {
    const [base = '', quote = ''] = product.id.split('-');
    return {
      id: product.id,
      base_currency: base,
      quote_currency: quote,
      quote_increment: '0.01',
      base_increment: '0.00000001',
      display_name: `${base}/${quote}`,
      min_market_funds: '1',
      margin_enabled: false,
      post_only: false,
      limit_only: false,
      cancel_only: false,
      status: 'online',
      status_message: '',
      trading_disabled: false,
      fx_stablecoin: false,
      max_slippage_percentage: '0.03000000',
      auction_mode: false,
    };
  };

  const trades = (response: ServerResponse, product: Product, query: Record<string, string>) => {
    const limit = query['limit'] === undefined ? MAX_PAGE : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      return json(response, 400, { message: 'limit must be an integer between 1 and 1000' });
    }
    for (const key of ['before', 'after']) {
      const value = query[key];
      if (value !== undefined && !/^\d+$/.test(value)) {
        return json(response, 400, { message: `${key} cursor value is not valid` });
      }
    }
    if (query['before'] !== undefined && query['after'] !== undefined) {
      return json(response, 400, { message: 'before and after cannot be used together' });
    }
    const history = product.history;
    let page: Printed[];
    if (query['before'] !== undefined) {
      // The page just newer than the cursor: the `limit` trades right above it.
      const cursor = Number(query['before']);
      page = history.filter((trade) => trade.tradeId > cursor).slice(0, limit);
    } else if (query['after'] !== undefined) {
      const cursor = Number(query['after']);
      page = history.filter((trade) => trade.tradeId < cursor).slice(-limit);
    } else {
      page = history.slice(-limit);
    }
    page.reverse();
    const headers: Record<string, string> = {};
    const first = page[0];
    const last = page.at(-1);
    if (first !== undefined && last !== undefined) {
      headers['cb-before'] = String(first.tradeId);
      headers['cb-after'] = String(last.tradeId);
    }
    json(
      response,
      200,
      page.map((trade) => ({
        time: isoMicros(trade.time),
        trade_id: trade.tradeId,
        price: trade.price,
        size: trade.size,
        side: trade.makerSide,
      })),
      headers,
    );
  };

  const candles = (response: ServerResponse, product: Product, query: Record<string, string>) => {
    const granularity = Number(query['granularity'] ?? '');
    if (!GRANULARITIES.has(granularity)) return json(response, 400, { message: 'Unsupported granularity' });
    const span = granularity * 1_000;
    let start: number;
    let end: number;
    if (query['start'] !== undefined && query['end'] !== undefined) {
      start = parseTime(query['start']);
      end = parseTime(query['end']);
      if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
        return json(response, 400, { message: 'Invalid start or end' });
      }
    } else {
      end = Date.now();
      start = end - MAX_CANDLES * span;
    }
    if ((end - start) / span > MAX_CANDLES) {
      return json(response, 400, {
        message: 'granularity too small for the requested time range. Count of aggregations requested exceeds 300',
      });
    }
    const buckets = new Map<number, Printed[]>();
    for (const trade of product.history) {
      const open = Math.floor(trade.time / span) * span;
      if (open < Math.floor(start / span) * span || open > end) continue;
      const bucket = buckets.get(open) ?? [];
      bucket.push(trade);
      buckets.set(open, bucket);
    }
    const rows = [...buckets]
      .sort(([a], [b]) => b - a)
      .map(([open, bucket]) => {
        const prices = bucket.map((trade) => Number(trade.price));
        return [
          open / 1_000,
          Math.min(...prices),
          Math.max(...prices),
          prices[0],
          prices.at(-1),
          Number(decimalSum(bucket.map((trade) => trade.size))),
        ];
      });
    json(response, 200, rows);
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: request.method ?? 'GET', path: url.pathname, query });
    if (request.method !== 'GET') return json(response, 405, { message: 'Method Not Allowed' });
    const parts = url.pathname.split('/').filter((part) => part !== '');
    if (parts[0] !== 'products') return json(response, 404, { message: 'NotFound' });
    if (parts.length === 1) return json(response, 200, [...products.values()].map(productJson));
    const product = products.get(decodeURIComponent(parts[1] ?? ''));
    if (product === undefined) return json(response, 404, { message: 'NotFound' });
    if (parts.length === 2) return json(response, 200, productJson(product));
    if (parts.length === 3 && parts[2] === 'trades') return trades(response, product, query);
    if (parts.length === 3 && parts[2] === 'candles') return candles(response, product, query);
    json(response, 404, { message: 'NotFound' });
  };

  const server = createServer(onRequest);
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    accepted += 1;
    const connection: Connection = { socket, subscriptions: new Map(), silentUntil: 0, deadline: undefined };
    connection.deadline = setTimeout(() => {
      kicked += 1;
      socket.terminate();
    }, SUBSCRIBE_WITHIN_MS);
    connections.add(connection);
    socket.on('message', (data) => onFrame(connection, data.toString()));
    socket.on('close', () => {
      clearTimeout(connection.deadline);
      connections.delete(connection);
    });
    socket.on('error', () => socket.terminate());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    restUrl: `http://127.0.0.1:${port}`,
    sent,
    requests,
    connections: () => accepted,
    kicked: () => kicked,
    printed: (productId) => products.get(productId)?.history.length ?? 0,
    drop() {
      for (const connection of connections) connection.socket.terminate();
    },
    stall(ms) {
      const until = Date.now() + ms;
      for (const connection of connections) connection.silentUntil = until;
    },
    skipIds(from, to) {
      skipped.push([from, to]);
    },
    sendRaw(text) {
      for (const connection of connections) send(connection, text);
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    async close() {
      clearInterval(ticker);
      clearInterval(heartbeats);
      for (const connection of connections) connection.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
