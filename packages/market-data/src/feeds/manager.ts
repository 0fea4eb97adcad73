import type { Trade } from '@alphintra/core';
import type { QuarantineReason } from '../quality.ts';
import type { BadInput, FeedListener, FeedState, TradeProvider } from './types.ts';

/** The quality gate the manager runs every released trade through (`TradeChecker`). */
export interface TradeGate {
  /** Why the trade must not reach a candle, or null. Must not need per-id state: ids are the manager's. */
  check(trade: Trade): QuarantineReason | null;
  /** Records a trade that was released (its price becomes the band's reference). */
  accept(trade: Trade): void;
  /** Drops the symbol's price reference: the next trade sets it afresh. */
  forget(symbol: string): void;
}

/** Where a provider's sequence of one symbol stands. */
export interface FeedCursor {
  readonly provider: string;
  readonly symbol: string;
  readonly lastTradeId: number;
  readonly lastTradeTime: number;
}

/** Counters and state of one provider, for `Query.feeds`. */
export interface FeedStatus {
  readonly provider: string;
  readonly role: 'PRIMARY' | 'BACKUP';
  /** Candles of at least one symbol are being built from this provider now. */
  readonly active: boolean;
  readonly state: FeedState;
  readonly detail: string | null;
  readonly lastMessageAt: number | null;
  readonly lagMs: number | null;
  readonly reconnects: number;
  readonly gapsFilled: number;
  readonly tradesBackfilled: number;
  readonly tradesQuarantined: number;
  readonly quarantine: Readonly<Record<string, number>>;
}

/** Options of {@link FeedManager}. */
export interface FeedManagerOptions {
  readonly primary: TradeProvider;
  readonly backup?: TradeProvider | undefined;
  /** The symbols the backup can serve (those in its symbol map). Default: every symbol. */
  readonly backupServes?: (symbol: string) => boolean;
  readonly gate: TradeGate;
  /** Trades released downstream, in trade-id order per symbol, each once. */
  readonly onTrades: (trades: readonly Trade[]) => void;
  /**
   * The time up to which the symbol's data is known complete: the aggregator may close candles up to here.
   * Called on every tick for each symbol whose feed is healthy; frozen while a feed is down or backfilling.
   */
  readonly onWatermark: (symbol: string, timeMs: number) => void;
  /** Trades of [fromMs, toMs) could not be had: the candles there are incomplete. */
  readonly onIncomplete: (symbol: string, fromMs: number, toMs: number) => void;
  readonly onQuarantine: (trade: Trade, reason: QuarantineReason) => void;
  readonly onBadInput: (provider: string, bad: BadInput) => void;
  /** A provider's state changed, or the active provider of some symbols did. */
  readonly onStatus?: (status: FeedStatus) => void;
  /** Logs failover decisions and backfill failures. */
  readonly log?: (message: string) => void;
  /** Cursors saved before a restart: the backfill starts after them. */
  readonly cursors?: readonly FeedCursor[];
  /** How long the primary may be disconnected before the backup takes over. Default 2,000 ms. */
  readonly failoverAfterMs?: number;
  /** How long the primary must be healthy and caught up before it takes over again. Default 5,000 ms. */
  readonly failbackAfterMs?: number;
  /** Trades arriving this late are still in time for their candle: the watermark trails the clock by it. */
  readonly graceMs?: number;
  /** Backup trades kept while on standby, per symbol, to cover the primary's last moments. Default 120 s. */
  readonly standbyMs?: number;
  /** Trades per backfill request (Binance allows 1,000). */
  readonly backfillLimit?: number;
  /** A gap larger than this many trades is not backfilled trade by trade: it is marked incomplete. */
  readonly maxBackfillTrades?: number;
  /**
   * After this many trades in a row refused by the price band, the band is re-centred on the next trade: the
   * market really moved (a crash, a long outage), and refusing every later trade would stop the candles. Default 10.
   */
  readonly bandResetAfter?: number;
  /** Wall-clock epoch ms. */
  readonly now?: () => number;
  /** Tick interval of failover checks and watermarks. Default 100 ms. */
  readonly tickMs?: number;
  /**
   * This process's own clock, monotonic ms (default `performance.now`): a tick that comes more than a tick late on
   * it shows that the process stalled, and did not read its sockets, since the last one.
   */
  readonly processClock?: () => number;
}

const EMPTY_PAGE_RETRIES = 3;
const EMPTY_PAGE_DELAY_MS = 300;

interface Sequence {
  lastId: number | null;
  lastTime: number;
  /** Live trades held while a backfill runs, released after it in id order. */
  held: Trade[] | null;
}

interface ProviderSlot {
  readonly provider: TradeProvider;
  readonly role: 'PRIMARY' | 'BACKUP';
  readonly sequences: Map<string, Sequence>;
  state: FeedState;
  detail: string | null;
  /** Since when the provider is not CONNECTED (null while connected). */
  downSince: number | null;
  /** Since when the provider is CONNECTED with nothing to backfill (null otherwise). */
  healthySince: number | null;
  /**
   * Connected and subscribed (`onConnected` came since the last connect): until then a (re)connected socket may be
   * heard from (a ping, a subscription reply) before the backfill of what it missed has started, and its symbols'
   * watermarks must not move past the trades still to be fetched.
   */
  subscribed: boolean;
  /** The provider's `lastMessageAt` (wall clock) as last seen, and when that was on the market clock. */
  heardWall: number | null;
  heardAt: number;
  /**
   * How far behind the market clock the last trade read from the stream was when it was read (market ms, never
   * negative), and when that was (market clock): a stream read late (this process stalled while the socket filled)
   * has been read only up to there.
   */
  readLagMs: number;
  readAt: number;
  /**
   * Market time this process was seen running (ticking on time, so reading its sockets) since that trade was read:
   * silence heard while it ran, not while it stalled.
   */
  awakeSinceRead: number;
  gapsFilled: number;
  tradesBackfilled: number;
  tradesQuarantined: number;
  readonly quarantine: Record<string, number>;
  backfills: number;
  /** Released trades kept while on standby (backup only), by symbol, oldest first. */
  readonly standby: Map<string, Trade[]>;
}

/**
 * Turns one or two providers' raw trade streams into one trustworthy stream per symbol.
 *
 * - Sequence: trade ids are strictly increasing per symbol, so a jump is a gap. Live trades are then held, the
 *   missing ids are fetched over REST, and everything is released in id order, with no duplicate and no loss.
 *   Every (re)connect starts the same backfill from the last id seen, since trades sent while disconnected are
 *   not replayed by the exchange.
 * - Quality: each released trade passes the gate; one that does not is quarantined and never reaches a candle.
 * - Watermarks: a symbol's clock moves only while its feed is healthy, so a minute in which the feed was down
 *   yields no candle until it is backfilled, and a quiet minute on a healthy feed is a real empty candle.
 * - Failover: when the primary is stale, its breaker is open, or it stays disconnected past `failoverAfterMs`,
 *   the symbols the backup covers switch to it at once, starting from the backup's trades after the primary's
 *   last one; they switch back at the next minute boundary once the primary has been healthy for
 *   `failbackAfterMs`, so no candle mixes both providers' trades for the same moment.
 */
export class FeedManager {
  readonly #options: FeedManagerOptions;
  readonly #primary: ProviderSlot;
  readonly #backup: ProviderSlot | null;
  readonly #now: () => number;
  readonly #failoverAfterMs: number;
  readonly #failbackAfterMs: number;
  readonly #graceMs: number;
  readonly #standbyMs: number;
  readonly #backfillLimit: number;
  readonly #maxBackfillTrades: number;
  #symbols = new Set<string>();
  /** Which slot each symbol's candles come from now. */
  readonly #active = new Map<string, ProviderSlot>();
  /** Symbols on the backup going back to the primary: the primary's trades count from this time on. */
  readonly #failbackAt = new Map<string, number>();
  readonly #watermarks = new Map<string, number>();
  /** Trades in a row refused by the price band, per symbol. */
  readonly #bandRejects = new Map<string, number>();
  readonly #bandResetAfter: number;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #tickMs: number;
  readonly #processClock: () => number;
  /** The last tick, on the market clock and on this process's clock. */
  #lastTick: { readonly at: number; readonly process: number } | null = null;

  constructor(options: FeedManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#failoverAfterMs = options.failoverAfterMs ?? 2_000;
    this.#failbackAfterMs = options.failbackAfterMs ?? 5_000;
    this.#graceMs = options.graceMs ?? 2_000;
    this.#standbyMs = options.standbyMs ?? 120_000;
    this.#backfillLimit = options.backfillLimit ?? 1_000;
    this.#maxBackfillTrades = options.maxBackfillTrades ?? 200_000;
    this.#bandResetAfter = options.bandResetAfter ?? 10;
    this.#tickMs = options.tickMs ?? 100;
    this.#processClock = options.processClock ?? (() => performance.now());
    this.#primary = slot(options.primary, 'PRIMARY');
    this.#backup = options.backup ? slot(options.backup, 'BACKUP') : null;
    for (const cursor of options.cursors ?? []) {
      const target = [this.#primary, this.#backup].find((s) => s?.provider.name === cursor.provider);
      target?.sequences.set(cursor.symbol, { lastId: cursor.lastTradeId, lastTime: cursor.lastTradeTime, held: null });
    }
  }

  /** Connects the providers and starts the failover and watermark clock. */
  async start(): Promise<void> {
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    await Promise.all(
      [this.#primary, this.#backup].flatMap((s) => (s === null ? [] : [s.provider.start(this.#listener(s))])),
    );
  }

  /** The symbols to stream; new ones start on the primary. */
  setSymbols(symbols: readonly string[]): void {
    this.#symbols = new Set(symbols);
    for (const symbol of this.#symbols) if (!this.#active.has(symbol)) this.#active.set(symbol, this.#primary);
    for (const symbol of [...this.#active.keys()]) if (!this.#symbols.has(symbol)) this.#active.delete(symbol);
    this.#primary.provider.setSymbols(symbols);
    this.#backup?.provider.setSymbols(symbols);
  }

  /** The provider each symbol's candles come from now. */
  activeProvider(symbol: string): string | null {
    return this.#active.get(symbol)?.provider.name ?? null;
  }

  /** Where each provider's sequence stands, to be saved for a restart. */
  cursors(): FeedCursor[] {
    const result: FeedCursor[] = [];
    for (const s of [this.#primary, this.#backup]) {
      if (s === null) continue;
      for (const [symbol, seq] of s.sequences) {
        if (seq.lastId !== null) {
          result.push({ provider: s.provider.name, symbol, lastTradeId: seq.lastId, lastTradeTime: seq.lastTime });
        }
      }
    }
    return result;
  }

  /** Each provider's state and counters. */
  status(): FeedStatus[] {
    return [this.#primary, this.#backup].flatMap((s) => (s === null ? [] : [this.#statusOf(s)]));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await Promise.all([this.#primary.provider.stop(), this.#backup?.provider.stop()]);
  }

  #statusOf(s: ProviderSlot): FeedStatus {
    const stats = s.provider.stats();
    return {
      provider: s.provider.name,
      role: s.role,
      active: [...this.#active.values()].includes(s),
      state: s.state,
      detail: s.detail,
      lastMessageAt: stats.lastMessageAt,
      lagMs: stats.lagMs,
      reconnects: stats.reconnects,
      gapsFilled: s.gapsFilled,
      tradesBackfilled: s.tradesBackfilled,
      tradesQuarantined: s.tradesQuarantined,
      quarantine: { ...s.quarantine },
    };
  }

  #listener(s: ProviderSlot): FeedListener {
    return {
      onTrades: (trades) => {
        if (!this.#stopped) for (const trade of trades) this.#onLive(s, trade);
      },
      onState: (state, detail) => {
        if (this.#stopped) return;
        s.state = state;
        s.detail = detail ?? null;
        const now = this.#now();
        if (state === 'CONNECTED') s.downSince = null;
        else {
          s.subscribed = false;
          s.downSince ??= now;
          s.healthySince = null;
          // A primary that fails again before taking over must not keep the backup's trades out.
          if (s === this.#primary) this.#failbackAt.clear();
        }
        this.#options.onStatus?.(this.#statusOf(s));
        // A stale feed or an open breaker is a detected failure: no waiting for the reconnect to fail too.
        if (s === this.#primary && (state === 'STALE' || state === 'BREAKER_OPEN')) this.#failover(state);
      },
      onConnected: () => {
        if (!this.#stopped) this.#onConnected(s);
      },
      onBadInput: (bad) => this.#options.onBadInput(s.provider.name, bad),
    };
  }

  #sequence(s: ProviderSlot, symbol: string): Sequence {
    let seq = s.sequences.get(symbol);
    if (seq === undefined) {
      seq = { lastId: null, lastTime: Number.NEGATIVE_INFINITY, held: null };
      s.sequences.set(symbol, seq);
    }
    return seq;
  }

  /**
   * Adds the market time since the last tick to each stream's time awake since its last trade was read, unless this
   * tick comes late on the process's own clock: then the process stalled in between, and the silence of that time
   * says nothing of what its sockets hold.
   */
  #countAwake(now: number): void {
    const processNow = this.#processClock();
    const last = this.#lastTick;
    this.#lastTick = { at: now, process: processNow };
    if (last === null || processNow - last.process > 2 * this.#tickMs) return;
    for (const s of [this.#primary, this.#backup]) {
      if (s !== null) s.awakeSinceRead += Math.max(0, now - Math.max(last.at, s.readAt));
    }
  }

  #onLive(s: ProviderSlot, trade: Trade): void {
    s.readAt = this.#now();
    s.readLagMs = Math.max(0, s.readAt - trade.time);
    s.awakeSinceRead = 0;
    if (!this.#symbols.has(trade.symbol)) {
      this.#quarantine(s, trade, 'UNKNOWN_SYMBOL');
      return;
    }
    const seq = this.#sequence(s, trade.symbol);
    if (seq.held !== null) {
      seq.held.push(trade);
      return;
    }
    const id = Number(trade.tradeId);
    if (seq.lastId !== null && id > seq.lastId + 1 && this.#backfills(s, trade.symbol)) {
      seq.held = [trade];
      void this.#backfill(s, trade.symbol, seq);
      return;
    }
    this.#release(s, seq, trade);
  }

  /** Whether gaps of this provider and symbol are filled over REST (a standby backup's are not needed). */
  #backfills(s: ProviderSlot, symbol: string): boolean {
    if (s === this.#primary) return true;
    return this.#active.get(symbol) === s;
  }

  /** Passes one trade in id order: duplicates and failed checks are quarantined, the rest go on. */
  #release(s: ProviderSlot, seq: Sequence, trade: Trade): void {
    const id = Number(trade.tradeId);
    if (seq.lastId !== null && id <= seq.lastId) {
      this.#quarantine(s, trade, 'DUPLICATE_ID');
      return;
    }
    seq.lastId = id;
    if (trade.time > seq.lastTime) seq.lastTime = trade.time;
    const reason = this.#options.gate.check(trade);
    if (reason === 'PRICE_BAND') {
      const rejects = (this.#bandRejects.get(trade.symbol) ?? 0) + 1;
      this.#bandRejects.set(trade.symbol, rejects);
      if (rejects >= this.#bandResetAfter) {
        this.#options.log?.(`${trade.symbol}: ${rejects} trades in a row outside the price band; re-centring it`);
        this.#options.gate.forget(trade.symbol);
        this.#bandRejects.delete(trade.symbol);
      }
    } else if (reason === null) this.#bandRejects.delete(trade.symbol);
    if (reason !== null) {
      this.#quarantine(s, trade, reason);
      return;
    }
    this.#route(s, trade);
  }

  /** Sends a released trade downstream when its provider serves the symbol now; keeps a standby copy else. */
  #route(s: ProviderSlot, trade: Trade): void {
    const active = this.#active.get(trade.symbol);
    const failbackAt = this.#failbackAt.get(trade.symbol);
    if (failbackAt !== undefined && active !== undefined && active !== s && s === this.#primary) {
      if (trade.time < failbackAt) return;
      // The primary's first trade at or after the boundary: it serves the symbol again from here.
      this.#failbackAt.delete(trade.symbol);
      this.#active.set(trade.symbol, s);
      this.#options.log?.(`${trade.symbol}: back on ${s.provider.name} from ${new Date(failbackAt).toISOString()}`);
      this.#emit(trade);
      return;
    }
    if (active === s) {
      if (failbackAt !== undefined && trade.time >= failbackAt) return;
      this.#emit(trade);
      return;
    }
    if (s === this.#backup) {
      let kept = s.standby.get(trade.symbol);
      if (kept === undefined) {
        kept = [];
        s.standby.set(trade.symbol, kept);
      }
      kept.push(trade);
      const horizon = trade.time - this.#standbyMs;
      let drop = 0;
      while (drop < kept.length && (kept[drop] as Trade).time < horizon) drop++;
      if (drop > 0) kept.splice(0, drop);
    }
  }

  #emit(trade: Trade): void {
    this.#options.gate.accept(trade);
    this.#options.onTrades([trade]);
  }

  #quarantine(s: ProviderSlot, trade: Trade, reason: QuarantineReason): void {
    s.tradesQuarantined++;
    s.quarantine[reason] = (s.quarantine[reason] ?? 0) + 1;
    this.#options.onQuarantine(trade, reason);
  }

  #onConnected(s: ProviderSlot): void {
    s.subscribed = true;
    for (const symbol of this.#symbols) {
      const seq = this.#sequence(s, symbol);
      if (s === this.#primary && this.#active.get(symbol) !== s) {
        // The backup covered the outage: the primary restarts its sequence at its next live trade.
        seq.lastId = null;
        continue;
      }
      if (seq.lastId === null || seq.held !== null || !this.#backfills(s, symbol)) continue;
      seq.held = [];
      void this.#backfill(s, symbol, seq);
    }
  }

  /**
   * Fetches the trades after `seq.lastId` until it reaches the first held live trade (or, after a reconnect
   * with nothing held, until the exchange has no more), releasing them in id order, then the held ones.
   */
  async #backfill(s: ProviderSlot, symbol: string, seq: Sequence): Promise<void> {
    s.backfills++;
    s.healthySince = null;
    const startId = (seq.lastId ?? 0) + 1;
    const startTime = seq.lastTime;
    let fetched = 0;
    let emptyPages = 0;
    let failed: unknown = null;
    try {
      for (;;) {
        const held = seq.held ?? [];
        const target = held.length > 0 ? Math.min(...held.map((t) => Number(t.tradeId))) : null;
        const from = (seq.lastId ?? 0) + 1;
        if (target !== null && from >= target) break;
        if (fetched >= this.#maxBackfillTrades) throw new Error(`gap over ${this.#maxBackfillTrades} trades`);
        const page = await s.provider.fetchTradesFrom(symbol, String(from), this.#backfillLimit);
        if (this.#stopped) return;
        const fresh = page
          .filter((t) => Number(t.tradeId) >= from && (target === null || Number(t.tradeId) < target))
          .sort((a, b) => Number(a.tradeId) - Number(b.tradeId));
        for (const trade of fresh) this.#release(s, seq, trade);
        fetched += fresh.length;
        // An empty or short page: the exchange has nothing more yet (the held trades are the rest).
        if (fresh.length === 0 && target !== null) {
          // The exchange's history can trail its stream by a moment: ask again a few times before giving up.
          if (++emptyPages > EMPTY_PAGE_RETRIES) throw new Error('the exchange returned none of the missing trades');
          await new Promise((resolve) => setTimeout(resolve, EMPTY_PAGE_DELAY_MS));
          continue;
        }
        if (fresh.length === 0 || (target === null && page.length < this.#backfillLimit)) break;
      }
    } catch (error) {
      failed = error;
    }
    s.backfills--;
    if (this.#stopped) return;
    const held = (seq.held ?? []).sort((a, b) => Number(a.tradeId) - Number(b.tradeId));
    seq.held = null;
    if (failed !== null) {
      const until = held[0]?.time ?? this.#now();
      this.#options.log?.(
        `${s.provider.name} ${symbol}: trades from id ${startId} could not be backfilled (${(failed as Error).message}); candles of ${new Date(startTime).toISOString()} .. ${new Date(until).toISOString()} are incomplete`,
      );
      if (Number.isFinite(startTime)) this.#options.onIncomplete(symbol, startTime, until + 1);
      // The market may have moved beyond the band while its trades were out of reach.
      this.#options.gate.forget(symbol);
    } else if (fetched > 0) {
      s.gapsFilled++;
      s.tradesBackfilled += fetched;
    }
    // Held trades are released in id order; a later gap among them starts another backfill.
    for (let i = 0; i < held.length; i++) {
      const trade = held[i] as Trade;
      const id = Number(trade.tradeId);
      if (failed === null && seq.lastId !== null && id > seq.lastId + 1) {
        seq.held = held.slice(i);
        void this.#backfill(s, symbol, seq);
        return;
      }
      if (failed !== null && seq.lastId !== null && id > seq.lastId + 1) seq.lastId = id - 1;
      this.#release(s, seq, trade);
    }
  }

  #failover(reason: string): void {
    const backup = this.#backup;
    if (backup === null || backup.state !== 'CONNECTED') return;
    const covered: string[] = [];
    for (const [symbol, active] of this.#active) {
      if (active !== this.#primary) continue;
      if (this.#options.backupServes !== undefined && !this.#options.backupServes(symbol)) continue;
      covered.push(symbol);
      this.#active.set(symbol, backup);
      this.#failbackAt.delete(symbol);
      // Backup trades after the primary's last one fill the moments the primary missed.
      const since = this.#primary.sequences.get(symbol)?.lastTime ?? Number.NEGATIVE_INFINITY;
      const kept = backup.standby.get(symbol) ?? [];
      backup.standby.delete(symbol);
      for (const trade of kept) if (trade.time > since) this.#emit(trade);
    }
    if (covered.length > 0) {
      this.#options.log?.(`failover to ${backup.provider.name} (${reason}): ${covered.join(', ')}`);
      this.#options.onStatus?.(this.#statusOf(backup));
    }
  }

  #tick(): void {
    if (this.#stopped) return;
    const now = this.#now();
    this.#countAwake(now);
    const primary = this.#primary;
    if (primary.downSince !== null && now - primary.downSince >= this.#failoverAfterMs) {
      this.#failover(`${primary.provider.name} ${primary.state.toLowerCase()} for ${now - primary.downSince} ms`);
    }
    if (primary.state === 'CONNECTED' && primary.subscribed && primary.backfills === 0) primary.healthySince ??= now;
    if (primary.healthySince !== null && now - primary.healthySince >= this.#failbackAfterMs) {
      for (const [symbol, active] of this.#active) {
        if (active === primary || this.#failbackAt.has(symbol)) continue;
        // Connected is not enough: a primary that reconnects but streams nothing would take over and lose the
        // trades the backup has. It must have streamed the symbol since it reconnected (its sequence restarted).
        if ((primary.sequences.get(symbol)?.lastId ?? null) === null) continue;
        this.#failbackAt.set(symbol, Math.floor(now / 60_000) * 60_000 + 60_000);
      }
    }
    for (const symbol of this.#symbols) {
      const s = this.#active.get(symbol);
      if (s === undefined || s.state !== 'CONNECTED' || !s.subscribed) continue;
      const seq = s.sequences.get(symbol);
      if (seq?.held != null) continue;
      // Never past what the provider could have told us: a silent connection that is not yet declared stale
      // must not turn minutes it missed into empty candles. Provider stats are wall-clock times and the market
      // clock may run faster (tests): the silence is measured on the market clock, from the tick that first saw
      // the provider's last message (at a 1:1 clock exactly its time; faster, up to a tick of market time later).
      // A message is heard when it is read, not when it arrived: after this process stalled, the socket holds what
      // the exchange sent meanwhile, and the first messages read are stamped with a time the rest of the backlog
      // (older trades, not read yet) is behind. So the stream counts as heard up to that time less how late its
      // last trade was when read: the trade's own time when it came from a backlog, a network delay (well within
      // the grace) when it did not. A backlog is read in far less than the grace once the process runs again, and
      // each of its trades renews that lag, so the lag holds the watermark back until the process has run for the
      // grace without reading a trade: an old trade sent on purpose (Coinbase's `last_match` on subscribing) holds it
      // no longer, and a second stall right after a trade of a backlog was read does not count as silence.
      const wall = Date.now();
      const lastMessageAt = s.provider.stats().lastMessageAt;
      if (lastMessageAt !== null && lastMessageAt !== s.heardWall) {
        s.heardWall = lastMessageAt;
        s.heardAt = now - Math.max(0, wall - lastMessageAt);
      }
      const behind = s.awakeSinceRead <= this.#graceMs ? s.readLagMs : 0;
      const watermark = (lastMessageAt === null ? now : Math.min(now, s.heardAt - behind)) - this.#graceMs;
      if (watermark > (this.#watermarks.get(symbol) ?? Number.NEGATIVE_INFINITY)) {
        this.#watermarks.set(symbol, watermark);
        this.#options.onWatermark(symbol, watermark);
      }
    }
  }
}

function slot(provider: TradeProvider, role: 'PRIMARY' | 'BACKUP'): ProviderSlot {
  return {
    provider,
    role,
    sequences: new Map(),
    state: 'DISCONNECTED',
    detail: null,
    downSince: null,
    healthySince: null,
    subscribed: false,
    heardWall: null,
    heardAt: Number.NEGATIVE_INFINITY,
    readLagMs: 0,
    readAt: Number.NEGATIVE_INFINITY,
    awakeSinceRead: 0,
    gapsFilled: 0,
    tradesBackfilled: 0,
    tradesQuarantined: 0,
    quarantine: {},
    backfills: 0,
    standby: new Map(),
  };
}
