/**
 * Market-data ingestion benchmark: raw Binance combined-stream frames through JSON.parse ->
 * normalizeBinanceTrade -> TradeChecker -> CandleAggregator (all six intervals), on one thread, against the
 * JSON.parse-only rate over the same frames. Run alone with `tsx bench/market-data.ts [--symbols n] [--passes n]`.
 */
import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { INTERVALS, type Interval } from '@alphintra/core';
import { BUNDLED_TRADES, CandleAggregator, normalizeBinanceTrade, TradeChecker } from '@alphintra/market-data';

/** Options of `runMarketDataBench`. */
export interface MarketDataBenchOptions {
  /** Symbols each recorded trade is re-keyed to. Default 500. */
  readonly symbols?: number;
  /** Timed passes over the whole stream, each into a fresh checker and aggregator. Default 1. */
  readonly passes?: number;
}

/** What `runMarketDataBench` measured, over all passes. */
export interface MarketDataBenchResult {
  readonly symbols: number;
  /** Frames (= trades) that went through the pipeline. */
  readonly trades: number;
  /** Frames per second through parse, normalize, check and aggregate. */
  readonly tradesPerSecond: number;
  /** Frames per second through `JSON.parse` alone: the floor any decoder of these frames pays. */
  readonly parseOnlyPerSecond: number;
  /** Closed candles per interval. */
  readonly candles: Record<Interval, number>;
}

// Frames are built per chunk of recorded trades, outside the timed loops: all of them at once (12,477 trades x
// 500 symbols, ~170 bytes each) would be a gigabyte of strings.
const FRAMES_PER_CHUNK = 100_000;

interface Payload {
  readonly E: number;
  readonly t: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
  readonly M: boolean;
}

function symbolNames(count: number): string[] {
  const width = Math.max(3, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => `SYM${String(i).padStart(width, '0')}`);
}

/**
 * `{"stream":"<sym>@trade","data":{...}}` strings of trades `from`..`to`, each trade once per symbol, the
 * symbols in round-robin order (every symbol trades the recording, so each sees ordered ids and times).
 * `JSON.stringify` gives flat strings, so no rope flattening lands in the timed loop.
 */
function buildFrames(payloads: readonly Payload[], from: number, to: number, symbols: readonly string[]): string[] {
  const frames: string[] = [];
  for (let i = from; i < to; i++) {
    const p = payloads[i] as Payload;
    for (const s of symbols) {
      frames.push(
        JSON.stringify({
          stream: `${s.toLowerCase()}@trade`,
          data: { e: 'trade', E: p.E, s, t: p.t, p: p.p, q: p.q, T: p.T, m: p.m, M: p.M },
        }),
      );
    }
  }
  return frames;
}

/** Runs the benchmark (one thread, synchronous loops between chunks). */
export async function runMarketDataBench(options: MarketDataBenchOptions = {}): Promise<MarketDataBenchResult> {
  const symbolCount = options.symbols ?? 500;
  const passes = options.passes ?? 1;
  if (!(Number.isSafeInteger(symbolCount) && symbolCount > 0))
    throw new RangeError('symbols must be a positive integer');
  if (!(Number.isSafeInteger(passes) && passes > 0)) throw new RangeError('passes must be a positive integer');
  const payloads = readFileSync(BUNDLED_TRADES, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Payload);
  const symbols = symbolNames(symbolCount);
  const known = new Set(symbols);
  const tradesPerChunk = Math.max(1, Math.floor(FRAMES_PER_CHUNK / symbolCount));
  const candles: Record<Interval, number> = { '1m': 0, '5m': 0, '15m': 0, '1h': 0, '4h': 0, '1d': 0 };

  let trades = 0;
  let quarantined = 0;
  let pipelineMs = 0;
  let parseMs = 0;
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const checker = new TradeChecker({ isKnownSymbol: (symbol) => known.has(symbol) });
    const aggregator = new CandleAggregator({
      intervals: Object.keys(INTERVALS) as Interval[],
      onCandle: (candle) => {
        candles[candle.interval]++;
      },
    });
    for (let from = 0; from < payloads.length; from += tradesPerChunk) {
      const frames = buildFrames(payloads, from, Math.min(from + tradesPerChunk, payloads.length), symbols);
      // Lets the GC's idle work and the frame garbage go before the timed loops.
      await nextTurn();

      let start = performance.now();
      for (const frame of frames) {
        const message = JSON.parse(frame) as { data: Payload };
        sink += message.data.T;
      }
      parseMs += performance.now() - start;

      start = performance.now();
      for (const frame of frames) {
        const message = JSON.parse(frame) as { data: unknown };
        const trade = normalizeBinanceTrade(message.data);
        if (checker.check(trade) !== null) {
          quarantined++;
          continue;
        }
        checker.accept(trade);
        aggregator.addTrade(trade);
      }
      if (from + tradesPerChunk >= payloads.length) aggregator.flush();
      pipelineMs += performance.now() - start;
      trades += frames.length;
    }
    if (aggregator.stats.lateTrades !== 0) throw new Error(`${aggregator.stats.lateTrades} late trades`);
  }
  if (quarantined !== 0) throw new Error(`${quarantined} trades quarantined: the recording should pass every check`);
  if (sink === 0) throw new Error('unreachable: keeps the parse-only loop from being optimized away');
  return {
    symbols: symbolCount,
    trades,
    tradesPerSecond: (trades * 1_000) / pipelineMs,
    parseOnlyPerSecond: (trades * 1_000) / parseMs,
    candles,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { symbols: { type: 'string' }, passes: { type: 'string' } } });
  const result = await runMarketDataBench({
    ...(values.symbols === undefined ? {} : { symbols: Number(values.symbols) }),
    ...(values.passes === undefined ? {} : { passes: Number(values.passes) }),
  });
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`market data: ${count(result.trades)} frames, ${result.symbols} symbols, one thread`);
  console.log(`  parse + normalize + check + aggregate (6 intervals): ${count(result.tradesPerSecond)} trades/s`);
  console.log(`  JSON.parse only:                                     ${count(result.parseOnlyPerSecond)} frames/s`);
  console.log(
    `  candles: ${Object.entries(result.candles)
      .map(([i, n]) => `${i} ${count(n)}`)
      .join(', ')}`,
  );
}
