import type { Trade } from '@alphintra/core';

/**
 * Why a trade was held back instead of aggregated:
 * - `NON_POSITIVE`: zero price or quantity;
 * - `TOO_PRECISE`: more fraction digits than the platform keeps;
 * - `PRICE_BAND`: too far from the symbol's last accepted price;
 * - `FUTURE_TIME`: trade time ahead of the clock by more than the allowed skew;
 * - `DUPLICATE_ID`: a trade id already seen (decided by the feed manager, which tracks ids);
 * - `UNKNOWN_SYMBOL`: not a symbol the platform serves.
 */
export const QUARANTINE_REASONS = [
  'NON_POSITIVE',
  'TOO_PRECISE',
  'PRICE_BAND',
  'FUTURE_TIME',
  'DUPLICATE_ID',
  'UNKNOWN_SYMBOL',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** Options of `TradeChecker`. */
export interface TradeCheckerOptions {
  /** A price more than this many percent away from the symbol's last accepted price is refused. Default 20. */
  readonly priceBandPct?: number;
  /** A trade time more than this many ms ahead of `now()` is refused. Default 5,000. */
  readonly maxFutureMs?: number;
  /** Most fraction digits a price or quantity may have. Default 18. */
  readonly maxDecimals?: number;
  /** Wall clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Whether the platform serves the symbol. Default: every symbol. */
  readonly isKnownSymbol?: (symbol: string) => boolean;
}

function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

/**
 * Stateless-per-trade quality checks on normalized trades, run before aggregation. The only state is the last
 * accepted price per symbol (for the price band), recorded by `accept` once the trade is released; trade ids are
 * the feed manager's business. Allocates nothing per trade.
 */
export class TradeChecker {
  readonly #bandPct: number;
  readonly #maxFutureMs: number;
  readonly #maxDecimals: number;
  readonly #now: () => number;
  readonly #isKnownSymbol: (symbol: string) => boolean;
  readonly #lastPrice = new Map<string, number>();

  constructor(options: TradeCheckerOptions = {}) {
    const priceBandPct = options.priceBandPct ?? 20;
    const maxFutureMs = options.maxFutureMs ?? 5_000;
    const maxDecimals = options.maxDecimals ?? 18;
    if (!(priceBandPct > 0)) throw new RangeError(`priceBandPct must be positive, got ${priceBandPct}`);
    if (!(maxFutureMs >= 0)) throw new RangeError(`maxFutureMs must not be negative, got ${maxFutureMs}`);
    if (!(Number.isInteger(maxDecimals) && maxDecimals >= 0)) {
      throw new RangeError(`maxDecimals must be a non-negative integer, got ${maxDecimals}`);
    }
    this.#bandPct = priceBandPct;
    this.#maxFutureMs = maxFutureMs;
    this.#maxDecimals = maxDecimals;
    this.#now = options.now ?? Date.now;
    this.#isKnownSymbol = options.isKnownSymbol ?? (() => true);
  }

  /**
   * The first reason to hold `trade` back, or `null` when it may be aggregated. Never `DUPLICATE_ID`: that
   * needs the ids seen, which the feed manager keeps.
   */
  check(trade: Trade): QuarantineReason | null {
    if (!this.#isKnownSymbol(trade.symbol)) return 'UNKNOWN_SYMBOL';
    // Negated so that NaN is refused too.
    if (!(trade.priceNum > 0 && trade.quantityNum > 0)) return 'NON_POSITIVE';
    if (fractionDigits(trade.price) > this.#maxDecimals || fractionDigits(trade.quantity) > this.#maxDecimals) {
      return 'TOO_PRECISE';
    }
    if (trade.time > this.#now() + this.#maxFutureMs) return 'FUTURE_TIME';
    const last = this.#lastPrice.get(trade.symbol);
    // Scaled by 100 rather than divided, so that a move of exactly the band on round prices is not refused.
    if (last !== undefined && Math.abs(trade.priceNum - last) * 100 > last * this.#bandPct) return 'PRICE_BAND';
    return null;
  }

  /** Records `trade`'s price as its symbol's last accepted one, the centre of the next price bands. */
  accept(trade: Trade): void {
    this.#lastPrice.set(trade.symbol, trade.priceNum);
  }

  /**
   * Forgets a symbol's last accepted price, so that the next trade sets the band afresh: for after a long
   * outage, when the market may have moved further than the band on its own.
   */
  forget(symbol: string): void {
    this.#lastPrice.delete(symbol);
  }

  /** The symbol's last accepted price, or `null` before any. */
  lastPrice(symbol: string): number | null {
    return this.#lastPrice.get(symbol) ?? null;
  }
}
