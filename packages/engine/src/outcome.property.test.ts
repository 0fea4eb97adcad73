import type { Candle, SignalOutcome } from '@alphintra/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FollowedSignal, followSignal, OutcomeTracker } from './outcome.ts';

const M = 60_000;
const T0 = 1_699_999_980_000;
const BARS = 40;

/** A random market of one symbol: integer prices, some minutes missing (an outage), plus a symbol of noise. */
const marketArb = fc
  .array(
    fc.record({
      present: fc.integer({ min: 0, max: 99 }).map((n) => n < 85),
      open: fc.integer({ min: 50, max: 150 }),
      close: fc.integer({ min: 50, max: 150 }),
      up: fc.integer({ min: 0, max: 10 }),
      down: fc.integer({ min: 0, max: 10 }),
    }),
    { minLength: BARS, maxLength: BARS },
  )
  .map((bars) =>
    bars.flatMap((bar, i) =>
      bar.present || i === 0
        ? [
            candle('TESTUSD', i, {
              open: bar.open,
              high: Math.max(bar.open, bar.close) + bar.up,
              low: Math.max(1, Math.min(bar.open, bar.close) - bar.down),
              close: bar.close,
            }),
          ]
        : [],
    ),
  );

const signalArb = fc.record({
  bar: fc.integer({ min: 0, max: BARS - 1 }),
  buy: fc.boolean(),
  stopDistance: fc.integer({ min: 1, max: 30 }),
  targetDistance: fc.integer({ min: 1, max: 30 }),
  lifetime: fc.integer({ min: 0, max: 15 }),
  /** How many of the candles after it the tracker is told as history (a late signal), 0 = tracked on time. */
  late: fc.integer({ min: 0, max: 10 }),
});

function candle(symbol: string, i: number, p: { open: number; high: number; low: number; close: number }): Candle {
  return {
    symbol,
    interval: '1m',
    openTime: T0 + i * M,
    closeTime: T0 + (i + 1) * M,
    open: String(p.open),
    high: String(p.high),
    low: String(p.low),
    close: String(p.close),
    volume: '1',
    trades: 1,
    source: 'replay',
    complete: true,
    lastTradeTime: T0 + (i + 1) * M - 1,
  };
}

/**
 * The rules of docs/contract.md ("The signal outcome format") written again, over the whole list at once: the
 * candles from the signal's time, those that closed by its expiry, the first of those that reaches a level.
 */
function oracle(
  signal: FollowedSignal,
  candles: readonly Candle[],
): Omit<SignalOutcome, 'strategyId' | 'strategyVersion'> {
  const entry = Number(signal.priceTarget);
  const stop = Number(signal.stopLoss);
  const target = Number(signal.takeProfit);
  const buy = signal.action === 'BUY';
  const base = {
    signalId: signal.id,
    symbol: signal.symbol,
    action: signal.action,
    openedAt: signal.timestamp,
    entryPrice: entry,
  };
  const closed = (status: SignalOutcome['status'], closedAt: number, exit: number) => ({
    ...base,
    status,
    closedAt,
    exitPrice: exit,
    returnPct: ((buy ? exit - entry : entry - exit) / entry) * 100,
  });
  const after = candles.filter((c) => c.symbol === signal.symbol && c.openTime >= signal.timestamp);
  const inTime = after.filter((c) => c.closeTime <= signal.expiresAt);
  for (const c of inTime) {
    const [open, high, low] = [Number(c.open), Number(c.high), Number(c.low)];
    if (buy ? low <= stop : high >= stop) {
      return closed('STOP_LOSS', c.closeTime, buy ? Math.min(open, stop) : Math.max(open, stop));
    }
    if (buy ? high >= target : low <= target) return closed('TAKE_PROFIT', c.closeTime, target);
  }
  const last = inTime.at(-1);
  if (last?.closeTime === signal.expiresAt || after.some((c) => c.closeTime > signal.expiresAt)) {
    return closed('EXPIRED', signal.expiresAt, last === undefined ? entry : Number(last.close));
  }
  return { ...base, status: 'OPEN', closedAt: null, exitPrice: null, returnPct: null };
}

describe('signal outcomes on random markets (fast-check)', () => {
  it('followSignal follows the documented rules; the tracker, fed live with repeats or told late, agrees', () => {
    const statuses = new Set<string>();
    fc.assert(
      fc.property(marketArb, fc.array(signalArb, { minLength: 1, maxLength: 8 }), (candles, specs) => {
        const noise = candles.map((c) => ({ ...c, symbol: 'NOISEUSD', low: '1', high: '1000' }));
        const signals = specs.map((spec, k) => {
          const entry = 100;
          const timestamp = T0 + (spec.bar + 1) * M;
          const signal: FollowedSignal = {
            id: `s${k}`,
            symbol: 'TESTUSD',
            action: spec.buy ? 'BUY' : 'SELL',
            timestamp,
            priceTarget: String(entry),
            stopLoss: String(spec.buy ? entry - spec.stopDistance : entry + spec.stopDistance),
            takeProfit: String(spec.buy ? entry + spec.targetDistance : entry - spec.targetDistance),
            expiresAt: timestamp + spec.lifetime * M,
            strategyId: 'strategy',
            strategyVersion: 1,
          };
          return { signal, late: spec.late };
        });
        const expected = new Map(
          signals.map(({ signal }) => [signal.id, followSignal(signal, [...noise, ...candles])]),
        );
        for (const { signal } of signals) {
          const { strategyId: _id, strategyVersion: _version, ...outcome } = expected.get(signal.id) as SignalOutcome;
          expect(outcome).toEqual(oracle(signal, candles));
          statuses.add(outcome.status);
        }

        // Live: candles in time order, each twice and with noise between; a signal is tracked once `late` more
        // candles have passed, with those as history.
        const tracker = new OutcomeTracker();
        const got = new Map<string, SignalOutcome>();
        const seen: Candle[] = [];
        const trackDue = () => {
          for (const { signal, late } of signals) {
            if (got.has(signal.id)) continue;
            const passed = seen.filter((c) => c.openTime >= signal.timestamp);
            if (seen.length === 0 || (seen.at(-1) as Candle).closeTime < signal.timestamp) continue;
            if (passed.length < late && seen.length < candles.length) continue;
            const closed = tracker.track(signal, '1m', passed);
            if (closed !== null) got.set(signal.id, closed);
          }
        };
        for (const [i, c] of candles.entries()) {
          for (const o of tracker.onCandle(c)) got.set(o.signalId, o);
          seen.push(c);
          expect(tracker.onCandle(c)).toEqual([]);
          expect(tracker.onCandle(noise[i] as Candle)).toEqual([]);
          trackDue();
        }
        for (const o of tracker.open()) got.set(o.signalId, o);
        for (const { signal } of signals) {
          // A signal after the last candle is never tracked here; nothing followed it.
          if (!got.has(signal.id)) expect(expected.get(signal.id)?.status).toBe('OPEN');
          else expect(got.get(signal.id)).toEqual(expected.get(signal.id));
        }
      }),
      { numRuns: 300 },
    );
    expect(statuses).toEqual(new Set(['OPEN', 'TAKE_PROFIT', 'STOP_LOSS', 'EXPIRED']));
  });
});
