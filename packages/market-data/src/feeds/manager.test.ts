import type { Candle, Trade } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { TradeChecker } from '../quality.ts';
import { FeedManager } from './manager.ts';
import type { FeedListener, FeedState, ListedSymbol, ProviderStats, TradeProvider } from './types.ts';

/** A provider driven by the test: it pushes what the test says and serves a scripted trade history. */
class ScriptedProvider implements TradeProvider {
  readonly name: string;
  listener: FeedListener | null = null;
  /** The exchange's full history by symbol, what `fetchTradesFrom` serves. */
  readonly history = new Map<string, Trade[]>();
  failFetch = false;
  fetches = 0;
  #state: FeedState = 'DISCONNECTED';
  lastMessageAt: number | null = null;

  constructor(name: string) {
    this.name = name;
  }

  async start(listener: FeedListener): Promise<void> {
    this.listener = listener;
  }
  setSymbols(): void {}
  reconnect(): void {}
  async listSymbols(): Promise<ReadonlyMap<string, ListedSymbol>> {
    return new Map();
  }
  async fetchTradesFrom(symbol: string, fromId: string, limit: number): Promise<Trade[]> {
    this.fetches++;
    if (this.failFetch) throw new Error('HTTP 503');
    return (this.history.get(symbol) ?? []).filter((t) => Number(t.tradeId) >= Number(fromId)).slice(0, limit);
  }
  async fetchCandles(): Promise<Candle[]> {
    return [];
  }
  stats(): ProviderStats {
    return { state: this.#state, lastMessageAt: this.lastMessageAt, reconnects: 0, lagMs: null };
  }
  async stop(): Promise<void> {}

  state(state: FeedState): void {
    this.#state = state;
    this.listener?.onState(state);
  }
  push(...trades: Trade[]): void {
    this.listener?.onTrades(trades);
  }
  /** A message with these trades read from the socket now. */
  read(...trades: Trade[]): void {
    this.lastMessageAt = Date.now();
    this.push(...trades);
  }
}

function trade(source: string, id: number, time: number, price = '100'): Trade {
  return {
    source,
    symbol: 'ETHUSDT',
    tradeId: String(id),
    time,
    price,
    quantity: '1',
    priceNum: Number(price),
    quantityNum: 1,
    takerSide: 'BUY',
  };
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

function setUp(
  options: {
    backup?: boolean;
    now?: () => number;
    processClock?: () => number;
    backfillLimit?: number;
    graceMs?: number;
  } = {},
) {
  const primary = new ScriptedProvider('binance');
  const backup = options.backup ? new ScriptedProvider('coinbase') : undefined;
  const released: Trade[] = [];
  const quarantined: { id: string; reason: string }[] = [];
  const incomplete: [number, number][] = [];
  const watermarks: number[] = [];
  const manager = new FeedManager({
    primary,
    backup,
    gate: new TradeChecker({ now: () => T0 + 86_400_000 }),
    onTrades: (trades) => released.push(...trades),
    onWatermark: (_symbol, time) => watermarks.push(time),
    onIncomplete: (_symbol, from, to) => incomplete.push([from, to]),
    onQuarantine: (t, reason) => quarantined.push({ id: t.tradeId, reason }),
    onBadInput: () => {},
    failoverAfterMs: 0,
    failbackAfterMs: 0,
    graceMs: options.graceMs ?? 0,
    tickMs: 5,
    // The process's own clock stands still unless a test moves it (a stall): no tick is late because the machine
    // running the tests is busy.
    processClock: options.processClock ?? (() => 0),
    ...(options.backfillLimit ? { backfillLimit: options.backfillLimit } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  manager.setSymbols(['ETHUSDT']);
  return { primary, backup, manager, released, quarantined, incomplete, watermarks };
}

const ids = (trades: readonly Trade[]) => trades.map((t) => Number(t.tradeId));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('FeedManager', () => {
  it('fills a gap in trade ids from the history before releasing what came after it, in order', async () => {
    const { primary, manager, released } = setUp({ backfillLimit: 3 });
    await manager.start();
    primary.state('CONNECTED');
    const all = range(1, 20).map((id) => trade('binance', id, T0 + id * 1_000));
    primary.history.set('ETHUSDT', all);
    primary.push(...all.slice(0, 10));
    // Ids 11..14 never arrive on the stream; 15.. do, and more arrive while the backfill runs.
    primary.push(all[14] as Trade, all[15] as Trade);
    primary.push(...all.slice(16));
    await flush();
    expect(ids(released)).toEqual(range(1, 20));
    const [status] = manager.status();
    expect(status).toMatchObject({ gapsFilled: 1, tradesBackfilled: 4 });
    await manager.stop();
  });

  it('after a reconnect, fetches what was sent while disconnected and drops the overlap', async () => {
    const { primary, manager, released, quarantined } = setUp({ backfillLimit: 4 });
    await manager.start();
    primary.state('CONNECTED');
    const all = range(1, 30).map((id) => trade('binance', id, T0 + id * 1_000));
    primary.history.set('ETHUSDT', all.slice(0, 25));
    primary.push(...all.slice(0, 5));
    primary.state('BACKOFF');
    primary.state('CONNECTED');
    primary.listener?.onConnected();
    // Live trades of the new connection overlap the history being fetched.
    primary.push(...all.slice(22));
    await flush();
    expect(ids(released)).toEqual(range(1, 30));
    expect(quarantined).toEqual([]);
    await manager.stop();
  });

  it('quarantines a repeated trade id and a trade outside the price band', async () => {
    const { primary, manager, released, quarantined } = setUp();
    await manager.start();
    primary.state('CONNECTED');
    primary.push(trade('binance', 1, T0), trade('binance', 2, T0 + 1), trade('binance', 2, T0 + 1));
    primary.push(trade('binance', 3, T0 + 2, '1000'), trade('binance', 4, T0 + 3, '101'));
    await flush();
    expect(ids(released)).toEqual([1, 2, 4]);
    expect(quarantined).toEqual([
      { id: '2', reason: 'DUPLICATE_ID' },
      { id: '3', reason: 'PRICE_BAND' },
    ]);
    expect(manager.status()[0]?.quarantine).toEqual({ DUPLICATE_ID: 1, PRICE_BAND: 1 });
    await manager.stop();
  });

  it('re-centres the price band after a run of trades outside it: the market moved, the feed must follow', async () => {
    const { primary, manager, released, quarantined } = setUp();
    await manager.start();
    primary.state('CONNECTED');
    primary.push(trade('binance', 1, T0, '100'));
    // A real crash to 50: the first ten are refused, then the band follows the market.
    primary.push(...range(2, 15).map((id) => trade('binance', id, T0 + id, '50')));
    await flush();
    expect(quarantined.map((q) => q.reason)).toEqual(Array(10).fill('PRICE_BAND'));
    expect(ids(released)).toEqual([1, ...range(12, 15)]);
    await manager.stop();
  });

  it('marks the span of a gap it cannot fill incomplete and carries on with the live trades', async () => {
    const { primary, manager, released, incomplete } = setUp();
    await manager.start();
    primary.state('CONNECTED');
    primary.failFetch = true;
    primary.push(trade('binance', 1, T0), trade('binance', 2, T0 + 1_000));
    primary.push(trade('binance', 9, T0 + 90_000), trade('binance', 10, T0 + 91_000));
    await flush();
    expect(ids(released)).toEqual([1, 2, 9, 10]);
    expect(incomplete).toEqual([[T0 + 1_000, T0 + 90_001]]);
    await manager.stop();
  });

  it('holds the watermark while the feed is down or not yet subscribed again, and moves it while healthy', async () => {
    let now = T0;
    const { primary, manager, watermarks } = setUp({ now: () => now });
    await manager.start();
    primary.state('CONNECTED');
    // Provider stats are wall-clock times: the feed was heard from just now.
    primary.lastMessageAt = Date.now();
    await flush();
    // Connected, not yet subscribed: nothing says the trades of this moment will come.
    expect(watermarks).toEqual([]);
    primary.listener?.onConnected();
    await flush();
    const before = watermarks.length;
    expect(before).toBeGreaterThan(0);
    // Never ahead of the market clock; behind it only by how long the provider has been silent.
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0);
    expect(watermarks.at(-1)).toBeGreaterThan(T0 - 1_000);
    primary.state('BACKOFF');
    now += 60_000;
    primary.lastMessageAt = Date.now();
    await flush();
    expect(watermarks.length).toBe(before);
    // The socket is open again and heard from (a subscription reply), but the provider has not subscribed yet: the
    // backfill of what it missed has not started, so the minute it was down must stay open.
    primary.state('CONNECTED');
    primary.lastMessageAt = Date.now();
    await flush();
    expect(watermarks.length).toBe(before);
    primary.listener?.onConnected();
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 + 59_000);
    // A provider silent for a minute (not yet declared stale) holds the watermark a minute back.
    primary.lastMessageAt = Date.now() - 60_000;
    now += 60_000;
    await flush();
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0 + 60_000);
    await manager.stop();
  });

  it('after a stall, holds the watermark at the stream’s last trade, not at the time the backlog is read', async () => {
    let now = T0;
    const { primary, manager, watermarks } = setUp({ now: () => now });
    await manager.start();
    primary.state('CONNECTED');
    primary.listener?.onConnected();
    primary.read(trade('binance', 1, T0 - 50));
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 - 1_000);
    // The process stalls for 3 s while the exchange keeps sending: trades of T0 + 100 and T0 + 200 wait in the
    // socket. The first is read (stamped with the time it is read) and a tick comes before the second is.
    now = T0 + 3_000;
    primary.read(trade('binance', 2, T0 + 100));
    await flush();
    // A watermark past T0 + 200 would close the candle of a trade not read yet.
    expect(Math.max(...watermarks)).toBeLessThanOrEqual(T0 + 100);
    // The backlog is read to its end, a trade that was sent just now: the watermark follows the clock again.
    primary.read(trade('binance', 3, T0 + 200), trade('binance', 4, T0 + 2_990));
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 + 2_900);
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0 + 3_000);
    await manager.stop();
  });

  it('after a second stall right after reading a trade of a backlog, still holds the watermark at that trade', async () => {
    let now = T0;
    let processClock = 0;
    const { primary, manager, watermarks } = setUp({
      now: () => now,
      processClock: () => processClock,
      graceMs: 2_000,
    });
    await manager.start();
    primary.state('CONNECTED');
    primary.listener?.onConnected();
    primary.read(trade('binance', 1, T0 - 50));
    await flush();
    // The process stalls for 3 s while the exchange sends trades of T0 + 100 and T0 + 200. Once it runs again, it
    // reads the first of them...
    now = T0 + 3_000;
    processClock += 3_000;
    primary.read(trade('binance', 2, T0 + 100));
    await flush();
    // ... and stalls again, for longer than the grace, before it reads the second. Its ticks come late: the time
    // since that read was not silence heard from the exchange.
    now = T0 + 6_000;
    processClock += 3_000;
    await flush();
    // A watermark past T0 + 200 would close the candle of a trade not read yet (T0 + 1,000 before this rule: the
    // time the backlog's first trade was read, less the grace).
    expect(Math.max(...watermarks)).toBeLessThanOrEqual(T0 + 200);
    // The rest of the backlog is read, to a trade sent just now: the watermark follows the clock again.
    primary.read(trade('binance', 3, T0 + 200), trade('binance', 4, T0 + 5_990));
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 + 3_900);
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0 + 4_000);
    // Silence heard while the process runs (its ticks on time) still moves the watermark on after the grace.
    now = T0 + 9_000;
    processClock += 5;
    primary.lastMessageAt = Date.now();
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 + 6_900);
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0 + 7_000);
    await manager.stop();
  });

  it('holds the watermark behind an old trade sent on subscribing (Coinbase’s last_match) for the grace only', async () => {
    let now = T0;
    const { primary, manager, watermarks } = setUp({ now: () => now, graceMs: 2_000 });
    await manager.start();
    primary.state('CONNECTED');
    primary.listener?.onConnected();
    // The last trade before the subscription, an hour old, read just now.
    primary.read(trade('binance', 1, T0 - 3_600_000));
    await flush();
    expect(Math.max(...watermarks)).toBeLessThanOrEqual(T0 - 3_600_000);
    // No trade since, a heartbeat heard after the grace: the watermark is the heartbeat's time less the grace.
    now = T0 + 2_500;
    primary.lastMessageAt = Date.now();
    await flush();
    expect(watermarks.at(-1)).toBeGreaterThan(T0 + 400);
    expect(watermarks.at(-1)).toBeLessThanOrEqual(T0 + 500);
    await manager.stop();
  });

  it('fails over to the backup from the primary’s last trade on, and back at a minute boundary', async () => {
    let now = T0 + 10_000;
    const { primary, backup, manager, released } = setUp({ backup: true, now: () => now });
    if (backup === undefined) throw new Error('no backup');
    await manager.start();
    primary.state('CONNECTED');
    backup.state('CONNECTED');
    primary.push(trade('binance', 1, T0 + 1_000), trade('binance', 2, T0 + 2_000));
    // The backup streams the same market all along; only what follows the primary's last trade is used.
    backup.push(
      trade('coinbase', 500, T0 + 1_500),
      trade('coinbase', 501, T0 + 2_500),
      trade('coinbase', 502, T0 + 3_000),
    );
    await flush();
    expect(released.map((t) => `${t.source}:${t.tradeId}`)).toEqual(['binance:1', 'binance:2']);
    primary.state('STALE');
    await flush();
    expect(manager.activeProvider('ETHUSDT')).toBe('coinbase');
    backup.push(trade('coinbase', 503, T0 + 20_000));
    await flush();
    expect(released.map((t) => `${t.source}:${t.tradeId}`)).toEqual([
      'binance:1',
      'binance:2',
      'coinbase:501',
      'coinbase:502',
      'coinbase:503',
    ]);
    // The primary is back: it takes over with its first trade at or after the next minute boundary.
    primary.state('CONNECTED');
    primary.listener?.onConnected();
    await flush();
    // Connected but silent: no failback yet (it would lose the backup's trades); streaming again, it takes over.
    expect(manager.activeProvider('ETHUSDT')).toBe('coinbase');
    primary.push(trade('binance', 40, T0 + 30_000));
    await flush();
    now = T0 + 61_000;
    backup.push(trade('coinbase', 504, T0 + 40_000));
    primary.push(trade('binance', 41, T0 + 60_500));
    backup.push(trade('coinbase', 505, T0 + 61_000));
    primary.push(trade('binance', 42, T0 + 62_000));
    await flush();
    expect(released.slice(5).map((t) => `${t.source}:${t.tradeId}`)).toEqual([
      'coinbase:504',
      'binance:41',
      'binance:42',
    ]);
    expect(manager.activeProvider('ETHUSDT')).toBe('binance');
    await manager.stop();
  });
});
