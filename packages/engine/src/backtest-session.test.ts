import type { Candle, StrategySpec } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { loadRecordedKlines } from './__fixtures__/klines.ts';
import { documentSpec, emaCrossDocument } from './__fixtures__/specs.ts';
import { BacktestSession, comparePerformance } from './backtest-session.ts';
import { backtest } from './engine.ts';
import { followSignal } from './outcome.ts';

const candles = loadRecordedKlines();
const spec: StrategySpec = documentSpec(emaCrossDocument());
const from = (candles[3000] as Candle).openTime;
const to = (candles[9000] as Candle).openTime;
const costs = { feeBps: 10, slippageBps: 5 };

describe('BacktestSession', () => {
  it('gives what a live engine gives from `from` on, warmed up before it, each signal with its outcome', async () => {
    const session = new BacktestSession({ spec, from, to });
    // Fed in pages, as the runner does.
    for (let i = 0; i < candles.length; i += 777) await session.feed(candles.slice(i, i + 777));
    const { signals } = session.result(costs);
    // A live engine with the version activated at `from`, over every candle, kept to the candles before `to`.
    const live = (await backtest([{ ...spec, activatedAt: from }], candles)).filter((s) => s.timestamp <= to);
    expect(live.length).toBeGreaterThan(20);
    expect(signals.map((s) => s.signal)).toEqual(live);
    expect(signals.every((s) => s.signal.timestamp > from)).toBe(true);
    // Outcomes follow each signal on the candles after it, past `to` too.
    for (const { signal, outcome } of signals) expect(outcome).toEqual(followSignal(signal, candles, '1m'));
    expect(session.evaluated).toBe(candles.filter((c) => c.openTime < to).length);
  });

  it('compares live signals with the backtest: the ids only one side has, and both summaries', async () => {
    const { signals, summary } = new BacktestSession({ spec, from, to }).result(costs);
    expect(signals).toEqual([]);
    expect(summary.trades).toBe(0);
    const session = new BacktestSession({ spec, from, to });
    await session.feed(candles);
    const all = session.result(costs).signals;
    const [missing, ...rest] = all;
    const comparison = await comparePerformance({ spec, from, to }, candles, rest, costs);
    expect(comparison.liveOnly).toEqual([]);
    expect(comparison.backtestOnly).toEqual([missing?.signal.id]);
    expect(comparison.backtest.trades).toBe(all.filter((s) => s.outcome.status !== 'OPEN').length);
    expect(comparison.live.trades).toBe(rest.filter((s) => s.outcome.status !== 'OPEN').length);
    expect((await comparePerformance({ spec, from, to }, candles, all, costs)).live).toEqual(comparison.backtest);
  });
});
