import type { Candle, Interval, OutcomeStatus, Signal, SignalOutcome } from '@alphintra/core';

export { OUTCOME_STATUSES, type OutcomeStatus, type SignalOutcome } from '@alphintra/core';

/** The fields of a signal its outcome depends on (a stored row has them as well as a `Signal`). */
export type FollowedSignal = Pick<
  Signal,
  | 'id'
  | 'symbol'
  | 'action'
  | 'timestamp'
  | 'priceTarget'
  | 'stopLoss'
  | 'takeProfit'
  | 'expiresAt'
  | 'strategyId'
  | 'strategyVersion'
>;

/**
 * One signal being followed. The rules (docs/architecture.md, "Signal outcomes"), candle by candle on the
 * signal's symbol and interval, starting with the candle that opens at the signal's timestamp:
 *
 * - a candle that closes after `expiresAt` is not looked at: the signal is EXPIRED at the close of the last candle
 *   that closed at or before `expiresAt` (at the entry price when there was none), `closedAt` = `expiresAt`;
 * - a candle whose low (BUY; high for a SELL) reaches the stop closes it STOP_LOSS at the stop, or at the candle's
 *   open when the candle opened beyond the stop (a gap: the worse price);
 * - a candle whose high (BUY; low for a SELL) reaches the target closes it TAKE_PROFIT at the target (a gap through
 *   the target still exits at the target: the better open is not assumed);
 * - a candle that reaches both is STOP_LOSS (which came first is unknown inside a candle: the conservative answer);
 * - a candle that reaches neither and closes exactly at `expiresAt` closes it EXPIRED at its close.
 */
class FollowState {
  // The fields an outcome needs, not the signal handed in: a followed signal can stay open for hours, and a whole
  // `Signal` (its explanation, metadata, parameters and decimal strings) is larger than all of these together.
  readonly #id: string;
  readonly #symbol: string;
  readonly #action: FollowedSignal['action'];
  readonly #timestamp: number;
  readonly #expiresAt: number;
  readonly #strategyId: string;
  readonly #strategyVersion: number;
  readonly #entry: number;
  readonly #stop: number;
  readonly #target: number;
  readonly #buy: boolean;
  #lastOpenTime = Number.NEGATIVE_INFINITY;
  #lastClose: number | null = null;

  constructor(signal: FollowedSignal) {
    this.#id = signal.id;
    this.#symbol = signal.symbol;
    this.#action = signal.action;
    this.#timestamp = signal.timestamp;
    this.#expiresAt = signal.expiresAt;
    this.#strategyId = signal.strategyId;
    this.#strategyVersion = signal.strategyVersion;
    this.#entry = Number(signal.priceTarget);
    this.#stop = Number(signal.stopLoss);
    this.#target = Number(signal.takeProfit);
    this.#buy = signal.action === 'BUY';
  }

  /** The outcome the candle closes the signal with, or null while it stays open (or the candle is not its own). */
  step(candle: Candle): SignalOutcome | null {
    // Candles before the signal, and a candle seen already (a redelivery), change nothing.
    if (candle.openTime < this.#timestamp || candle.openTime <= this.#lastOpenTime) return null;
    if (candle.closeTime > this.#expiresAt) {
      return this.#closed('EXPIRED', this.#expiresAt, this.#lastClose ?? this.#entry);
    }
    this.#lastOpenTime = candle.openTime;
    const open = Number(candle.open);
    const high = Number(candle.high);
    const low = Number(candle.low);
    const close = Number(candle.close);
    const stopReached = this.#buy ? low <= this.#stop : high >= this.#stop;
    const targetReached = this.#buy ? high >= this.#target : low <= this.#target;
    if (stopReached) {
      const gapped = this.#buy ? open < this.#stop : open > this.#stop;
      return this.#closed('STOP_LOSS', candle.closeTime, gapped ? open : this.#stop);
    }
    if (targetReached) return this.#closed('TAKE_PROFIT', candle.closeTime, this.#target);
    this.#lastClose = close;
    if (candle.closeTime === this.#expiresAt) return this.#closed('EXPIRED', this.#expiresAt, close);
    return null;
  }

  outcome(): SignalOutcome {
    return this.#outcome('OPEN', null, null, null);
  }

  #closed(status: OutcomeStatus, closedAt: number, exitPrice: number): SignalOutcome {
    // Never -0 (which storage and JSON would turn into 0): the difference is taken the side's way round.
    const gain = this.#buy ? exitPrice - this.#entry : this.#entry - exitPrice;
    return this.#outcome(status, closedAt, exitPrice, (gain / this.#entry) * 100);
  }

  #outcome(
    status: OutcomeStatus,
    closedAt: number | null,
    exitPrice: number | null,
    returnPct: number | null,
  ): SignalOutcome {
    return {
      signalId: this.#id,
      strategyId: this.#strategyId,
      strategyVersion: this.#strategyVersion,
      symbol: this.#symbol,
      action: this.#action,
      status,
      openedAt: this.#timestamp,
      entryPrice: this.#entry,
      closedAt,
      exitPrice,
      returnPct,
    };
  }
}

/**
 * Follows signals of any symbols on the candles after them; deterministic: the outcome of a signal depends only
 * on the signal and on its series' candles, whatever else was fed and whenever it was tracked, as long as its
 * series' candles come in time order (a candle repeated or older than one seen is ignored).
 */
export class OutcomeTracker {
  /** Open signals by series (symbol + interval), in the order they were tracked. */
  readonly #open = new Map<string, Map<string, FollowState>>();

  /**
   * Starts following a signal on its symbol's candles of `interval` (its strategy's interval). `history`, the
   * series' candles already passed (a catch-up from the candle store), is applied first: returns the outcome when
   * they close it (it is then not followed), else null.
   */
  track(signal: FollowedSignal, interval: Interval = '1m', history: Iterable<Candle> = []): SignalOutcome | null {
    const key = seriesKey(signal.symbol, interval);
    if (this.#open.get(key)?.has(signal.id)) return null;
    const state = new FollowState(signal);
    for (const candle of history) {
      if (candle.symbol !== signal.symbol || candle.interval !== interval) continue;
      const outcome = state.step(candle);
      if (outcome !== null) return outcome;
    }
    let series = this.#open.get(key);
    if (series === undefined) {
      series = new Map();
      this.#open.set(key, series);
    }
    series.set(signal.id, state);
    return null;
  }

  /** Moves the signals of the candle's series on; returns the outcomes it closed, in the order they were tracked. */
  onCandle(candle: Candle): SignalOutcome[] {
    const key = seriesKey(candle.symbol, candle.interval);
    const series = this.#open.get(key);
    if (series === undefined) return [];
    const closed: SignalOutcome[] = [];
    for (const [id, state] of series) {
      const outcome = state.step(candle);
      if (outcome === null) continue;
      closed.push(outcome);
      series.delete(id);
    }
    if (series.size === 0) this.#open.delete(key);
    return closed;
  }

  /** Stops following a signal (e.g. one whose outcome is known elsewhere); true when it was followed. */
  forget(signalId: string): boolean {
    for (const [key, series] of this.#open) {
      if (series.delete(signalId)) {
        if (series.size === 0) this.#open.delete(key);
        return true;
      }
    }
    return false;
  }

  /** The signals still open, as OPEN outcomes. */
  open(): SignalOutcome[] {
    const outcomes: SignalOutcome[] = [];
    for (const series of this.#open.values()) for (const state of series.values()) outcomes.push(state.outcome());
    return outcomes;
  }

  /** Whether any signal is followed on the candles of this series. */
  isFollowing(symbol: string, interval: Interval): boolean {
    return this.#open.has(seriesKey(symbol, interval));
  }

  /** How many signals are being followed. */
  get size(): number {
    let count = 0;
    for (const series of this.#open.values()) count += series.size;
    return count;
  }
}

/**
 * The outcome of one signal on `candles` (time order; candles of other symbols, of another interval when
 * `interval` is given, and before the signal are skipped): OPEN when they end before a level or the expiry.
 */
export function followSignal(signal: FollowedSignal, candles: Iterable<Candle>, interval?: Interval): SignalOutcome {
  const state = new FollowState(signal);
  for (const candle of candles) {
    if (candle.symbol !== signal.symbol || (interval !== undefined && candle.interval !== interval)) continue;
    const outcome = state.step(candle);
    if (outcome !== null) return outcome;
  }
  return state.outcome();
}

function seriesKey(symbol: string, interval: string): string {
  return `${symbol}\u0000${interval}`;
}
