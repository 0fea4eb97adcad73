import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Candle } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { type FollowedSignal, followSignal, OutcomeTracker, type SignalOutcome } from './outcome.ts';
import { NO_COSTS, summarize } from './performance.ts';

// A small fixed market, written by hand: one candle a minute from T0, candles 7 and 8 missing (a feed outage).
const M = 60_000;
const T0 = 1_699_999_980_000;
const SYMBOL = 'TESTUSD';
const BARS: Record<number, readonly [open: number, high: number, low: number, close: number]> = {
  0: [100, 101, 99, 100],
  1: [100, 103, 99.5, 102],
  2: [102, 106, 101, 105],
  3: [105, 107, 96, 97],
  4: [97, 98, 95, 96],
  5: [92, 94, 90, 93],
  6: [93, 95, 91, 94],
  9: [94, 96, 93, 95],
};

function candle(i: number, symbol = SYMBOL): Candle {
  const bar = BARS[i];
  if (bar === undefined) throw new Error(`no bar ${i}`);
  const [open, high, low, close] = bar;
  return {
    symbol,
    interval: '1m',
    openTime: T0 + i * M,
    closeTime: T0 + (i + 1) * M,
    open: String(open),
    high: String(high),
    low: String(low),
    close: String(close),
    volume: '1',
    trades: 1,
    source: 'replay',
    complete: true,
    lastTradeTime: T0 + (i + 1) * M - 1,
  };
}

const CANDLES = Object.keys(BARS).map((i) => candle(Number(i)));

/** A signal on the close of candle `bar` (its timestamp), living `lifetime` minutes. */
function signal(
  id: string,
  action: 'BUY' | 'SELL',
  bar: number,
  levels: { entry: number; stop: number; target: number },
  lifetime = 10,
): FollowedSignal {
  const timestamp = T0 + (bar + 1) * M;
  return {
    id,
    symbol: SYMBOL,
    action,
    timestamp,
    priceTarget: String(levels.entry),
    stopLoss: String(levels.stop),
    takeProfit: String(levels.target),
    expiresAt: timestamp + lifetime * M,
    strategyId: 'strategy-1',
    strategyVersion: 1,
  };
}

const SIGNALS = {
  // BUY at 100: candle 1 reaches neither level, candle 2's high reaches the target.
  a: signal('a', 'BUY', 0, { entry: 100, stop: 98, target: 105 }),
  // SELL at 100: candle 2's high reaches the stop (it opened below it: no gap).
  b: signal('b', 'SELL', 0, { entry: 100, stop: 104, target: 95 }),
  // BUY at 105: candle 3 reaches both the target (high 107) and the stop (low 96): stop first.
  c: signal('c', 'BUY', 2, { entry: 105, stop: 100, target: 107 }),
  // BUY at 97: candle 5 opens at 92, below the stop at 94: out at the open.
  d: signal('d', 'BUY', 3, { entry: 97, stop: 94, target: 110 }),
  // SELL at 97: candle 5 opens at 92, beyond the target at 93: out at the target, not the better open.
  h: signal('h', 'SELL', 3, { entry: 97, stop: 99, target: 93 }),
  // SELL at 96 for 2 minutes: no level on candles 5 and 6; candle 6 closes at the expiry, at 94.
  e: signal('e', 'SELL', 4, { entry: 96, stop: 120, target: 80 }, 2),
  // BUY at 93 for 3 minutes: candles 7 and 8 are missing, candle 9 closes after the expiry: out at candle 6's close.
  f: signal('f', 'BUY', 5, { entry: 93, stop: 80, target: 200 }, 3),
  // BUY at 95 on the last candle: nothing after it yet.
  g: signal('g', 'BUY', 9, { entry: 95, stop: 90, target: 100 }),
} as const;

/** What each signal must come to, from the rules applied by hand above. */
const EXPECTED: Record<keyof typeof SIGNALS, Pick<SignalOutcome, 'status' | 'closedAt' | 'exitPrice' | 'returnPct'>> = {
  a: { status: 'TAKE_PROFIT', closedAt: T0 + 3 * M, exitPrice: 105, returnPct: ((105 - 100) / 100) * 100 },
  b: { status: 'STOP_LOSS', closedAt: T0 + 3 * M, exitPrice: 104, returnPct: ((100 - 104) / 100) * 100 },
  c: { status: 'STOP_LOSS', closedAt: T0 + 4 * M, exitPrice: 100, returnPct: ((100 - 105) / 105) * 100 },
  d: { status: 'STOP_LOSS', closedAt: T0 + 6 * M, exitPrice: 92, returnPct: ((92 - 97) / 97) * 100 },
  h: { status: 'TAKE_PROFIT', closedAt: T0 + 6 * M, exitPrice: 93, returnPct: ((97 - 93) / 97) * 100 },
  e: { status: 'EXPIRED', closedAt: T0 + 7 * M, exitPrice: 94, returnPct: ((96 - 94) / 96) * 100 },
  f: { status: 'EXPIRED', closedAt: T0 + 9 * M, exitPrice: 94, returnPct: ((94 - 93) / 93) * 100 },
  g: { status: 'OPEN', closedAt: null, exitPrice: null, returnPct: null },
};

describe('followSignal', () => {
  it('closes each signal by the documented rules', () => {
    for (const id of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
      const s = SIGNALS[id];
      const outcome = followSignal(s, CANDLES);
      const { returnPct, ...rest } = pick(outcome);
      const { returnPct: expectedReturn, ...expectedRest } = EXPECTED[id];
      expect({ id, ...rest }).toEqual({ id, ...expectedRest });
      if (expectedReturn === null) expect(returnPct).toBeNull();
      else expect(returnPct).toBeCloseTo(expectedReturn, 12);
      expect(outcome).toMatchObject({
        signalId: id,
        symbol: SYMBOL,
        action: s.action,
        openedAt: s.timestamp,
        entryPrice: Number(s.priceTarget),
      });
    }
  });

  it('skips candles before the signal, of other symbols and of other intervals', () => {
    const noise = [candle(0, 'OTHER'), { ...candle(2), interval: '5m' as const }, candle(1, 'OTHER')];
    const candles = [candle(0), ...noise, ...CANDLES.slice(1)];
    expect(followSignal(SIGNALS.a, candles, '1m')).toEqual(followSignal(SIGNALS.a, CANDLES));
    // A signal is never closed by its own candle, or one before it.
    expect(followSignal(SIGNALS.c, [candle(2)]).status).toBe('OPEN');
  });

  it('expires at the entry price when no candle closed between the signal and its expiry', () => {
    const late = signal('late', 'BUY', 6, { entry: 94, stop: 50, target: 500 }, 2);
    expect(pick(followSignal(late, CANDLES))).toEqual({
      status: 'EXPIRED',
      closedAt: T0 + 9 * M,
      exitPrice: 94,
      returnPct: 0,
    });
    // A SELL out at its entry returns 0, not -0 (which JSON and storage cannot keep).
    const flat = signal('flat', 'SELL', 6, { entry: 94, stop: 500, target: 50 }, 2);
    expect(Object.is(followSignal(flat, CANDLES).returnPct, 0)).toBe(true);
  });
});

describe('OutcomeTracker', () => {
  it('gives what followSignal gives, closing each outcome on the candle that decides it', () => {
    const tracker = new OutcomeTracker();
    const closedBy = new Map<string, number>();
    const outcomes: SignalOutcome[] = [];
    // Each signal is tracked when its candle closes, as in a live run; candles are fed with a duplicate and a
    // candle of another symbol in between, which change nothing.
    for (const c of CANDLES) {
      for (const closed of tracker.onCandle(c)) {
        closedBy.set(closed.signalId, c.closeTime);
        outcomes.push(closed);
      }
      expect(tracker.onCandle(c)).toEqual([]);
      expect(tracker.onCandle(candle(0, 'OTHER'))).toEqual([]);
      for (const s of Object.values(SIGNALS)) if (s.timestamp === c.closeTime) tracker.track(s);
    }
    outcomes.push(...tracker.open());
    for (const s of Object.values(SIGNALS)) {
      expect(outcomes.find((o) => o.signalId === s.id)).toEqual(followSignal(s, CANDLES));
    }
    // f is decided by candle 9, which closes after its expiry; the others by the candle of their closedAt.
    expect(closedBy.get('f')).toBe(T0 + 10 * M);
    expect(closedBy.get('a')).toBe(T0 + 3 * M);
    expect(tracker.size).toBe(1);
    expect(tracker.open().map((o) => o.signalId)).toEqual(['g']);
  });
  it('gives the same outcome when tracked late, with the candles passed as history, wherever the split', () => {
    for (const s of Object.values(SIGNALS)) {
      const expected = followSignal(s, CANDLES);
      for (let split = 0; split <= CANDLES.length; split++) {
        const tracker = new OutcomeTracker();
        const outcomes: SignalOutcome[] = [];
        const early = tracker.track(s, '1m', CANDLES.slice(0, split));
        if (early !== null) outcomes.push(early);
        // The candle store and the bus overlap: the last history candle comes again, and changes nothing.
        for (const c of CANDLES.slice(Math.max(0, split - 1))) outcomes.push(...tracker.onCandle(c));
        outcomes.push(...tracker.open());
        expect(outcomes).toEqual([expected]);
      }
    }
  });
  it('keeps what an outcome needs, not the signal it was handed: a whole signal is collected while followed', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tracker = new OutcomeTracker();
    // A signal as the engine makes it carries more than the tracker reads (its explanation, here).
    const handed = () => {
      const whole = { ...SIGNALS.g, explanation: { rule: 'r', indicators: [{ name: 'ema', value: 1 }] } };
      tracker.track(whole);
      return new WeakRef(whole);
    };
    const ref = handed();
    // A collection only after this turn: V8 keeps objects a WeakRef was made of (or read) alive until its end.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(ref.deref()).toBeUndefined();
    expect(tracker.open()).toEqual([followSignal(SIGNALS.g, CANDLES)]);
  });
});

describe('summarize', () => {
  const outcomes = Object.values(SIGNALS).map((s) => followSignal(s, CANDLES));
  const period = { from: T0, to: T0 + 12 * M };

  it('computes the figures from their definitions, with costs', () => {
    const costs = { feeBps: 10, slippageBps: 5 };
    const cost = (2 * (10 + 5)) / 100; // 0.3 % a round trip
    // Net returns in close order: a and b close together (ids in order), then c, d and h together, e, f.
    const net = [
      5 - cost,
      -4 - cost,
      ((100 - 105) / 105) * 100 - cost,
      ((92 - 97) / 97) * 100 - cost,
      ((97 - 93) / 97) * 100 - cost,
      ((96 - 94) / 96) * 100 - cost,
      ((94 - 93) / 93) * 100 - cost,
    ];
    const [ra, rb, rc, rd, rh, re, rf] = net as [number, number, number, number, number, number, number];
    const summary = summarize(outcomes, costs, period, '1m');

    expect(summary.trades).toBe(7);
    expect(summary.open).toBe(1);
    expect([summary.takeProfits, summary.stopLosses, summary.expired]).toEqual([2, 3, 2]);
    // Winners a, h, e, f (f: 1.075 % - 0.3 %); losers b, c, d.
    expect([summary.wins, summary.losses]).toEqual([4, 3]);
    expect(summary.winRate).toBe(4 / 7);
    expect(summary.roundTripCostPct).toBeCloseTo(0.3, 12);
    expect(summary.averageReturnPct).toBeCloseTo((ra + rb + rc + rd + rh + re + rf) / 7, 12);
    const equity = (1 + ra / 100) * (1 + rb / 100) * (1 + rc / 100) * (1 + rd / 100);
    const final = equity * (1 + rh / 100) * (1 + re / 100) * (1 + rf / 100);
    expect(summary.totalReturnPct).toBeCloseTo((final - 1) * 100, 10);
    expect(summary.grossProfitPct).toBeCloseTo(ra + rh + re + rf, 12);
    expect(summary.grossLossPct).toBeCloseTo(-(rb + rc + rd), 12);
    expect(summary.profitFactor).toBeCloseTo((ra + rh + re + rf) / -(rb + rc + rd), 12);
    // The peak is after a (1 + ra); the trough after d; h, e and f do not climb back above the peak.
    const peak = 1 + ra / 100;
    expect(final).toBeLessThan(peak);
    expect(summary.maxDrawdownPct).toBeCloseTo(((peak - equity) / peak) * 100, 10);
    // Sharpe: mean over the sample standard deviation (n - 1), per trade.
    const mean = (ra + rb + rc + rd + rh + re + rf) / 7;
    const variance = net.reduce((acc, r) => acc + (r - mean) ** 2, 0) / 6;
    expect(summary.sharpe).toBeCloseTo(mean / Math.sqrt(variance), 12);
    // Open: [1, 3] (a, b), [3, 4] (c), [4, 6] (d, h), [5, 7] (e), [6, 9] (f): 8 minutes; g [10, 12): 2 more.
    expect(summary.exposure).toBeCloseTo(10 / 12, 12);
    // Held 2, 2, 1, 2, 2, 2 and 3 minutes.
    expect(summary.averageBarsHeld).toBeCloseTo(14 / 7, 12);
  });

  it('does not depend on the order of the outcomes', () => {
    const costs = { feeBps: 7, slippageBps: 3 };
    expect(summarize([...outcomes].reverse(), costs, period)).toEqual(summarize(outcomes, costs, period));
  });

  it('has no figure where there is nothing to measure', () => {
    expect(summarize([], NO_COSTS, period)).toEqual({
      trades: 0,
      open: 0,
      takeProfits: 0,
      stopLosses: 0,
      expired: 0,
      wins: 0,
      losses: 0,
      winRate: null,
      roundTripCostPct: 0,
      averageReturnPct: null,
      totalReturnPct: 0,
      grossProfitPct: 0,
      grossLossPct: 0,
      profitFactor: null,
      maxDrawdownPct: 0,
      sharpe: null,
      exposure: 0,
      averageBarsHeld: null,
    });
    const onlyA = summarize([followSignal(SIGNALS.a, CANDLES)], NO_COSTS, period);
    expect(onlyA).toMatchObject({ trades: 1, wins: 1, profitFactor: null, sharpe: null, maxDrawdownPct: 0 });
    expect(onlyA.exposure).toBeCloseTo(2 / 12, 12);
  });
});

function pick(o: SignalOutcome): Pick<SignalOutcome, 'status' | 'closedAt' | 'exitPrice' | 'returnPct'> {
  return { status: o.status, closedAt: o.closedAt, exitPrice: o.exitPrice, returnPct: o.returnPct };
}
