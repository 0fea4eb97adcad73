/**
 * `tsx bench/strategies.ts [--counts 1,100,1000,10000] [--candles n]`: per-candle evaluation time of N active
 * document strategies on one symbol (the templates with varied periods) over the recorded 1m klines, and the number
 * of distinct indicator nodes they share. Target: p99 < 2 ms at 1,000 strategies. Reports; never fails on it.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Candle, IndicatorSpec, StrategyDocument, StrategySpec } from '@alphintra/core';
import { InferenceEngine, STRATEGY_TEMPLATES } from '@alphintra/engine';

const KLINES = new URL('../fixtures/market/klines-1m-UNITTESTBTC.csv', import.meta.url);
const SYMBOL = 'UNITTESTBTC';
/** Period variants per template: strategies beyond that repeat a configuration (and share every node). */
const VARIANTS = 25;
export const TARGET_P99_MS_AT_1000 = 2;

export interface StrategiesBenchResult {
  readonly strategies: number;
  readonly candles: number;
  readonly indicatorNodes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly signals: number;
}

/** The recorded candles as platform candles. */
export function loadBenchKlines(): Candle[] {
  return readFileSync(KLINES, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [openTime, open, high, low, close, volume] = line.split(',') as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const start = Number(openTime);
      return {
        symbol: SYMBOL,
        interval: '1m',
        openTime: start,
        closeTime: start + 60_000,
        open,
        high,
        low,
        close,
        volume,
        trades: 0,
        lastTradeTime: start + 59_999,
        source: 'replay',
        complete: true,
      };
    });
}

/** The rule templates (the model's cost per candle is the engine bench's model part). */
const RULE_TEMPLATES = STRATEGY_TEMPLATES.filter((template) => template.document.model === undefined);

/** Rule template `i mod T`, its periods stretched by variant `floor(i / T) mod VARIANTS`. */
export function benchSpec(i: number): StrategySpec {
  const template = RULE_TEMPLATES[i % RULE_TEMPLATES.length];
  if (template === undefined) throw new Error('no templates');
  const variant = Math.floor(i / RULE_TEMPLATES.length) % VARIANTS;
  const indicators = Object.fromEntries(
    Object.entries(template.document.indicators).map(([name, spec]) => [name, vary(spec, variant)]),
  );
  const document: StrategyDocument = { ...template.document, indicators };
  return {
    id: `bench-${String(i).padStart(6, '0')}`,
    name: template.name,
    version: 1,
    source: 'NO_CODE',
    symbols: [SYMBOL],
    interval: document.interval,
    document,
    status: 'ACTIVE',
    mode: 'LIVE',
    activatedAt: null,
  };
}

function vary(spec: IndicatorSpec, variant: number): IndicatorSpec {
  if ('period' in spec && spec.type !== 'ATR') return { ...spec, period: spec.period + variant };
  return spec;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

/** Runs each count on a fresh engine and returns the figures. */
export function runStrategiesBench({
  counts = [1, 100, 1000, 10_000],
  candles: limit,
}: {
  readonly counts?: readonly number[];
  readonly candles?: number;
} = {}): StrategiesBenchResult[] {
  const all = loadBenchKlines();
  const candles = limit === undefined ? all : all.slice(0, limit);
  return counts.map((count) => {
    const engine = new InferenceEngine({ strategies: Array.from({ length: count }, (_, i) => benchSpec(i)) });
    const times = new Float64Array(candles.length);
    let signals = 0;
    candles.forEach((candle, i) => {
      const started = performance.now();
      signals += engine.onCandle(candle).length;
      times[i] = performance.now() - started;
    });
    times.sort();
    return {
      strategies: count,
      candles: candles.length,
      indicatorNodes: engine.stats.indicatorNodes,
      p50Ms: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      maxMs: times[times.length - 1] ?? 0,
      signals,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { counts: { type: 'string' }, candles: { type: 'string' } } });
  const counts = values.counts?.split(',').map(Number);
  const results = runStrategiesBench({
    ...(counts === undefined ? {} : { counts }),
    ...(values.candles === undefined ? {} : { candles: Number(values.candles) }),
  });
  console.log('strategies | candles | nodes | p50 ms | p99 ms | max ms | signals');
  for (const r of results) {
    console.log(
      [
        r.strategies,
        r.candles,
        r.indicatorNodes,
        r.p50Ms.toFixed(3),
        r.p99Ms.toFixed(3),
        r.maxMs.toFixed(2),
        r.signals,
      ].join(' | '),
    );
  }
  const at1000 = results.find((r) => r.strategies === 1000);
  if (at1000 !== undefined) {
    console.log(`p99 at 1,000 strategies: ${at1000.p99Ms.toFixed(3)} ms (target < ${TARGET_P99_MS_AT_1000} ms)`);
  }
}
