import type { Candle, Signal } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { loadKlines } from './__fixtures__/klines.ts';
import { candlesFromCloses, emaSpec, rsiSpec } from './__fixtures__/specs.ts';
import { backtest, InferenceEngine } from './engine.ts';

const candles = loadKlines();

/** Feeds candles to an engine and collects every signal. */
function feed(engine: InferenceEngine, batch: Iterable<Candle>): Signal[] {
  const signals: Signal[] = [];
  for (const candle of batch) signals.push(...engine.onCandle(candle));
  return signals;
}

const after = (signals: readonly Signal[], time: number) => signals.filter((signal) => signal.timestamp > time);

describe('backtest', () => {
  const specs = [emaSpec(), rsiSpec()];
  const signals = backtest(specs, candles);

  it('finds signals of both strategies in real candles', () => {
    expect(signals.filter((signal) => signal.strategyId === 'ema-cross').length).toBeGreaterThan(10);
    expect(signals.filter((signal) => signal.strategyId === 'rsi-reversion').length).toBeGreaterThan(10);
    expect(new Set(signals.map((signal) => signal.action))).toEqual(new Set(['BUY', 'SELL']));
  });

  it('is deterministic: two runs give the same signals, byte for byte', () => {
    expect(JSON.stringify(backtest(specs, candles))).toBe(JSON.stringify(signals));
  });

  it('gives unique ids, market timestamps and stops on the losing side of the entry', () => {
    expect(new Set(signals.map((signal) => signal.id)).size).toBe(signals.length);
    for (const signal of signals) {
      const entry = Number(signal.priceTarget);
      const [stop, target] = [Number(signal.stopLoss), Number(signal.takeProfit)];
      if (signal.action === 'BUY') expect(stop < entry && entry < target).toBe(true);
      else expect(target < entry && entry < stop).toBe(true);
      expect(candles.some((candle) => candle.closeTime === signal.timestamp)).toBe(true);
      expect(signal.latencyMs).toBeNull();
    }
  });

  it('runs inactive specs too (a draft is what one backtests)', () => {
    expect(backtest([emaSpec({ status: 'INACTIVE' })], candles)).toEqual(
      signals.filter((signal) => signal.strategyId === 'ema-cross'),
    );
  });
});

describe('InferenceEngine', () => {
  it('runs a strategy only on the symbols and interval it lists', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec({ symbols: ['AUSDT'] })] });
    const closes = [
      ...Array.from({ length: 30 }, (_, i) => 100 - i),
      ...Array.from({ length: 30 }, (_, i) => 70 + 2 * i),
    ];
    expect(feed(engine, candlesFromCloses(closes, { symbol: 'BUSDT' }))).toEqual([]);
    expect(feed(engine, candlesFromCloses(closes, { symbol: 'AUSDT', interval: '5m' }))).toEqual([]);
    const signals = feed(engine, candlesFromCloses(closes, { symbol: 'AUSDT' }));
    expect(signals.map((signal) => [signal.symbol, signal.action])).toEqual([['AUSDT', 'BUY']]);
  });

  it('streams the same signals as a backtest', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec(), rsiSpec()] });
    expect(feed(engine, candles)).toEqual(backtest([emaSpec(), rsiSpec()], candles));
  });

  it('ignores a redelivered or older candle', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()] });
    const live = feed(
      engine,
      candles.flatMap((candle, i) => (i % 100 === 0 ? [candle, candle] : [candle])),
    );
    expect(live).toEqual(backtest([emaSpec()], candles));
    expect(engine.stats.skippedCandles).toBe(30);
    expect(engine.stats.candles).toBe(candles.length);
  });

  it('ignores a candle whose prices do not parse, without losing its state', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec()] });
    // The same minute arrives broken first, then intact: the broken one must neither count nor block the retry.
    const broken = { ...(candles[1_500] as Candle), close: 'NaN' };
    const live = feed(engine, [...candles.slice(0, 1_500), broken, ...candles.slice(1_500)]);
    expect(live).toEqual(backtest([emaSpec()], candles));
    expect(engine.stats.skippedCandles).toBe(1);
  });

  it('refuses specs with invalid parameters and runs the rest', () => {
    const engine = new InferenceEngine();
    const rejected = engine.setStrategies([emaSpec({ parameters: { fastPeriod: 50 } }), rsiSpec()]);
    expect(rejected).toEqual([
      { id: 'ema-cross', version: 1, problems: [{ field: 'fastPeriod', message: expect.any(String) }] },
    ]);
    expect(engine.stats.strategies).toBe(1);
  });

  it('counts candles, signals and what runs', () => {
    const engine = new InferenceEngine({ strategies: [emaSpec({ symbols: ['UNITTESTBTC', 'OTHERBTC'] }), rsiSpec()] });
    const signals = feed(engine, candles);
    expect(engine.stats).toEqual({
      candles: candles.length,
      skippedCandles: 0,
      signals: signals.length,
      strategies: 2,
      runners: 3,
      series: 1,
    });
  });

  describe('hot reload', () => {
    const split = 1_200;
    const [before, rest] = [candles.slice(0, split), candles.slice(split)];
    const splitTime = before.at(-1)?.closeTime ?? 0;

    it('warms a strategy activated mid-stream from history: from then on, the backtest signals', () => {
      const engine = new InferenceEngine({ historySize: split });
      expect(feed(engine, before)).toEqual([]);
      engine.setStrategies([emaSpec(), rsiSpec()]);
      const live = feed(engine, rest);
      expect(live.length).toBeGreaterThan(10);
      expect(live).toEqual(after(backtest([emaSpec(), rsiSpec()], candles), splitTime));
    });

    it('warms from the last historySize candles only', () => {
      const engine = new InferenceEngine({ historySize: 300 });
      feed(engine, before);
      engine.setStrategies([emaSpec()]);
      const live = feed(engine, rest);
      expect(live.length).toBeGreaterThan(0);
      expect(live).toEqual(after(backtest([emaSpec()], candles.slice(split - 300)), splitTime));
    });

    it('keeps the state of an unchanged version, taking its new name', () => {
      // With no history a rebuilt strategy would start cold and miss the first crosses: equality proves the state
      // was kept.
      const engine = new InferenceEngine({ strategies: [emaSpec()], historySize: 0 });
      feed(engine, before);
      engine.setStrategies([emaSpec({ name: 'Renamed' }), rsiSpec()]);
      const live = feed(engine, rest).filter((signal) => signal.strategyId === 'ema-cross');
      const expected = after(backtest([emaSpec()], candles), splitTime);
      expect(backtest([emaSpec()], rest)).not.toEqual(expected);
      expect(live).toEqual(expected.map((signal) => ({ ...signal, strategyName: 'Renamed' })));
      expect(engine.stats.strategies).toBe(2);
    });

    it('rebuilds a new version from history', () => {
      const v2 = emaSpec({ version: 2, parameters: { fastPeriod: 5, slowPeriod: 13 } });
      const engine = new InferenceEngine({ strategies: [emaSpec()], historySize: split });
      feed(engine, before);
      engine.setStrategies([v2]);
      const live = feed(engine, rest);
      expect(live.every((signal) => signal.strategyVersion === 2)).toBe(true);
      expect(live).toEqual(after(backtest([v2], candles), splitTime));
    });

    it('stops a deactivated strategy, and restarts it warm on reactivation', () => {
      const engine = new InferenceEngine({ strategies: [emaSpec(), rsiSpec()], historySize: split });
      feed(engine, before);
      engine.setStrategies([emaSpec({ status: 'INACTIVE' }), rsiSpec()]);
      const [middle, end] = [rest.slice(0, 900), rest.slice(900)];
      const whileInactive = feed(engine, middle);
      expect(whileInactive.length).toBeGreaterThan(0);
      expect(whileInactive.every((signal) => signal.strategyId === 'rsi-reversion')).toBe(true);
      expect(engine.stats).toMatchObject({ strategies: 1, runners: 1 });

      engine.setStrategies([emaSpec(), rsiSpec()]);
      const reactivated = feed(engine, end).filter((signal) => signal.strategyId === 'ema-cross');
      const resumeTime = middle.at(-1)?.closeTime ?? 0;
      const historyStart = split + middle.length - split; // the engine keeps the last `split` candles
      expect(reactivated.length).toBeGreaterThan(0);
      expect(reactivated).toEqual(after(backtest([emaSpec()], candles.slice(historyStart)), resumeTime));
    });
  });
});
