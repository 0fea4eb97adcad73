import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Candle, Trade } from '@alphintra/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CandleAggregator } from './aggregator.ts';
import { BUNDLED_TRADES } from './fixtures.ts';
import {
  type MalformedLine,
  parseReplaySpec,
  plainDecimal,
  type ReplayEvent,
  ReplayFeed,
  readReplayFile,
  readTradeFile,
  symbolFromFileName,
} from './replay.ts';

const T0 = 1_570_752_000_000; // 2019-10-11T00:00:00Z, a minute boundary

function line(id: number, offsetMs: number, price = '0.00141342', quantity = '1.00000000'): string {
  return JSON.stringify({
    e: 'trade',
    E: T0 + offsetMs + 3,
    s: 'XRPETH',
    t: id,
    p: price,
    q: quantity,
    T: T0 + offsetMs,
    m: false,
    M: true,
  });
}

let dir: string;
async function file(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alphintra-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const MIXED = [
  line(1, 0),
  '{"e":"trade","E":1,', // bad JSON
  '',
  JSON.stringify({ e: 'trade', E: T0, s: 'XRPETH', t: 3, q: '1', T: T0, m: false, M: true }), // no price
  line(4, 10, '-0.00141342'),
  line(5, 20),
];

describe('readTradeFile', () => {
  it('skips malformed lines, reporting each once with its line number', async () => {
    const path = await file('mixed.ndjson', MIXED);
    const malformed: MalformedLine[] = [];
    const trades = await all(readTradeFile(path, { onMalformed: (m) => malformed.push(m) }));
    expect(trades.map((t) => t.tradeId)).toEqual(['1', '5']);
    expect(malformed.map((m) => m.line)).toEqual([2, 4, 5]);
    expect(malformed[0]?.reason).toMatch(/invalid JSON/);
    expect(malformed[1]?.reason).toMatch(/"p"/);
    expect(malformed[2]?.reason).toMatch(/"p" is not a plain decimal/);
  });

  it('warns one line per malformed line by default', async () => {
    const path = await file('mixed-default.ndjson', MIXED);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await all(readTradeFile(path))).toHaveLength(2);
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      expect.stringContaining(':2: skipped trade: invalid JSON'),
      expect.stringContaining(':4: skipped trade:'),
      expect.stringContaining(':5: skipped trade:'),
    ]);
  });

  it('reads the whole bundled recording', async () => {
    const malformed: MalformedLine[] = [];
    const trades = await all(readTradeFile(BUNDLED_TRADES, { onMalformed: (m) => malformed.push(m) }));
    expect(trades).toHaveLength(12_477);
    expect(malformed).toEqual([]);
    expect(trades[0]).toMatchObject({ symbol: 'XRPETH', tradeId: '13519807', price: '0.00141342' });
  });

  it('fails on a missing file', async () => {
    await expect(all(readTradeFile(join(dir, 'missing.ndjson')))).rejects.toThrow(/ENOENT/);
  });
});

describe('ReplayFeed', () => {
  // setImmediate stays real so the file can be read while pacing timers and clocks are virtual.
  const fakeTimers = () =>
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  }

  it('emits trade i at start + (T_i - T_0) / speed and reports the virtual clock every tick', async () => {
    const path = await file('paced.ndjson', [
      line(1, 0),
      line(2, 1_000),
      line(3, 1_000),
      line(4, 5_000),
      line(5, 60_000),
    ]);
    fakeTimers();
    const emitted: number[] = [];
    const clock: number[] = [];
    const feed = new ReplayFeed({
      file: path,
      speed: 100,
      tickMs: 50,
      onTrade: (t) => emitted.push(t.time - T0),
      onClock: (time) => clock.push(time - T0),
    });
    const done = feed.start();
    await until(() => emitted.length === 1);
    expect(emitted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(9);
    expect(emitted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1); // wall 10 ms = market 1,000 ms: both trades of that ms at once
    expect(emitted).toEqual([0, 1_000, 1_000]);
    await vi.advanceTimersByTimeAsync(39);
    expect(emitted).toEqual([0, 1_000, 1_000]);
    expect(clock).toEqual([]);
    await vi.advanceTimersByTimeAsync(1); // wall 50: a tick and the 5,000 ms trade
    expect(emitted).toEqual([0, 1_000, 1_000, 5_000]);
    expect(clock).toEqual([5_000]);
    await vi.advanceTimersByTimeAsync(500); // wall 550
    expect(emitted).toHaveLength(4);
    expect(clock).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 55_000]);
    await vi.advanceTimersByTimeAsync(50); // wall 600: the last trade
    await done;
    expect(emitted).toEqual([0, 1_000, 1_000, 5_000, 60_000]);
    expect(clock.at(-1)).toBe(60_000);
    expect(feed.stats).toEqual({ trades: 5, candles: 0, malformed: 0, loops: 0 });
  });

  it('catches up to fastForwardUntil at once, then paces from the next trade', async () => {
    const path = await file('resume.ndjson', [line(1, 0), line(2, 30_000), line(3, 60_000), line(4, 61_000)]);
    fakeTimers();
    const emitted: number[] = [];
    const feed = new ReplayFeed({
      file: path,
      speed: 100,
      fastForwardUntil: T0 + 30_000,
      onTrade: (t) => emitted.push(t.time - T0),
    });
    const done = feed.start();
    await until(() => emitted.length === 3);
    expect(emitted).toEqual([0, 30_000, 60_000]); // the third is the first paced one: due at once
    await vi.advanceTimersByTimeAsync(9);
    expect(emitted).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1); // 1,000 market ms after the first paced trade
    await done;
    expect(emitted).toEqual([0, 30_000, 60_000, 61_000]);
  });

  it('lets an aggregator close a candle by the replay clock before the next trade arrives', async () => {
    const path = await file('gap.ndjson', [line(1, 1_000), line(2, 30_000), line(3, 300_000)]);
    fakeTimers();
    const candles: Candle[] = [];
    const trades: Trade[] = [];
    const aggregator = new CandleAggregator({ intervals: ['1m'], onCandle: (c) => candles.push(c) });
    const feed = new ReplayFeed({
      file: path,
      speed: 1_000,
      onTrade: (t) => {
        trades.push(t);
        aggregator.addTrade(t);
      },
      onClock: (time) => aggregator.advanceTo(time),
    });
    const done = feed.start();
    await until(() => trades.length === 1);
    await vi.advanceTimersByTimeAsync(100); // market 1,000 + 100,000 ms
    expect(trades).toHaveLength(2);
    expect(candles.map((c) => [c.openTime - T0, c.trades])).toEqual([[0, 2]]);
    await vi.advanceTimersByTimeAsync(200);
    await done;
    aggregator.flush();
    // The minutes in between are known empty once the clock has passed them.
    expect(candles.map((c) => [c.openTime - T0, c.trades])).toEqual([
      [0, 2],
      [60_000, 0],
      [120_000, 0],
      [180_000, 0],
      [240_000, 0],
      [300_000, 1],
    ]);
    expect(aggregator.stats.lateTrades).toBe(0);
  });

  it('stops while waiting for the next trade', async () => {
    const path = await file('stop.ndjson', [line(1, 0), line(2, 3_600_000)]);
    fakeTimers();
    const emitted: Trade[] = [];
    const feed = new ReplayFeed({ file: path, speed: 10, onTrade: (t) => emitted.push(t) });
    const done = feed.start();
    await until(() => emitted.length === 1);
    await vi.advanceTimersByTimeAsync(1_000);
    feed.stop();
    await done;
    expect(emitted).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('loops with shifted times and ids, re-keyed, counting malformed lines once', async () => {
    const path = await file('loop.ndjson', [line(100, 0), 'not json', line(101, 30_000), line(102, 90_500)]);
    const malformed: MalformedLine[] = [];
    const trades: Trade[] = [];
    const feed = new ReplayFeed({
      file: path,
      speed: Number.POSITIVE_INFINITY,
      loop: true,
      symbol: 'XRP-ETH',
      onMalformed: (m) => malformed.push(m),
      onTrade: (t) => {
        trades.push(t);
        if (trades.length === 9) feed.stop();
      },
    });
    await feed.start();
    // Span 90,500 ms, rounded up to whole minutes (120,000) plus one minute.
    const shift = 180_000;
    expect(trades.map((t) => [t.tradeId, t.time - T0])).toEqual([
      ['100', 0],
      ['101', 30_000],
      ['102', 90_500],
      ['103', shift],
      ['104', shift + 30_000],
      ['105', shift + 90_500],
      ['106', 2 * shift],
      ['107', 2 * shift + 30_000],
      ['108', 2 * shift + 90_500],
    ]);
    expect(new Set(trades.map((t) => t.symbol))).toEqual(new Set(['XRP-ETH']));
    expect(malformed).toEqual([{ line: 2, reason: expect.stringMatching(/invalid JSON/) }]);
    expect(feed.stats).toEqual({ trades: 9, candles: 0, malformed: 1, loops: 2 });
  });

  it('replays the bundled recording as fast as possible into the same candles as direct aggregation', async () => {
    const replayed: Candle[] = [];
    const direct: Candle[] = [];
    const viaFeed = new CandleAggregator({ intervals: ['1m', '15m'], onCandle: (c) => replayed.push(c), now: () => 0 });
    const feed = new ReplayFeed({
      file: BUNDLED_TRADES,
      speed: Number.POSITIVE_INFINITY,
      onTrade: (t) => viaFeed.addTrade(t),
      onClock: (time) => viaFeed.advanceTo(time),
    });
    await feed.start();
    viaFeed.flush();
    const reference = new CandleAggregator({ intervals: ['1m', '15m'], onCandle: (c) => direct.push(c), now: () => 0 });
    for await (const t of readTradeFile(BUNDLED_TRADES)) reference.addTrade(t);
    reference.flush();
    expect(feed.stats).toEqual({ trades: 12_477, candles: 0, malformed: 0, loops: 0 });
    expect(replayed).toEqual(direct);
  });
});

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/market/${name}`, import.meta.url));
const ETHUSDT_CSV = fixture('trades-ETHUSDT-2023-02-02.csv');
const KLINES_CSV = fixture('klines-1m-UNITTESTBTC.csv');

describe('parseReplaySpec', () => {
  it('takes a comma list, with or without the replay: prefix, CSV symbols from the file names', () => {
    expect(parseReplaySpec('replay:a/binance-trade-XRPETH.ndjson, data/trades-ETHUSDT-2023-02-02.csv')).toEqual([
      { file: 'a/binance-trade-XRPETH.ndjson' },
      { file: 'data/trades-ETHUSDT-2023-02-02.csv', symbol: 'ETHUSDT' },
    ]);
    expect(parseReplaySpec('/x/klines-1m-UNITTESTBTC.csv')).toEqual([
      { file: '/x/klines-1m-UNITTESTBTC.csv', symbol: 'UNITTESTBTC' },
    ]);
  });

  it('lets <file>#<SYMBOL> override the symbol, for ndjson too', () => {
    expect(parseReplaySpec('replay:trades-ETHUSDT-2023-02-02.csv#ETHBUSD,x.ndjson#XRP-ETH')).toEqual([
      { file: 'trades-ETHUSDT-2023-02-02.csv', symbol: 'ETHBUSD' },
      { file: 'x.ndjson', symbol: 'XRP-ETH' },
    ]);
  });

  it('refuses no file, an empty symbol and a CSV without one', () => {
    expect(() => parseReplaySpec('replay:')).toThrow(RangeError);
    expect(() => parseReplaySpec('replay: , ')).toThrow(RangeError);
    expect(() => parseReplaySpec('a.csv#')).toThrow(/empty symbol/);
    expect(() => parseReplaySpec('trades-2023-02-02.csv')).toThrow(/<file>#<SYMBOL>/);
  });
});

describe('plainDecimal', () => {
  it.each([
    ['1666.8', '1666.8'],
    ['9.417e-05', '0.00009417'],
    ['1e-08', '0.00000001'],
    ['3.7E-07', '0.00000037'],
    ['1.5e+3', '1500'],
    ['1.25e1', '12.5'],
    ['0.5e1', '5'],
    ['12e0', '12'],
    ['-1e-5', null],
    ['1e', null],
    ['abc', null],
  ])('%s -> %s', (value, plain) => {
    expect(plainDecimal(value)).toBe(plain);
  });
});

describe('symbolFromFileName', () => {
  it.each([
    ['trades-ETHUSDT-2023-02-02.csv', 'ETHUSDT'],
    ['/data/klines-1m-UNITTESTBTC.csv', 'UNITTESTBTC'],
    ['binance-trade-XRPETH.ndjson', 'XRPETH'],
    ['klines-1H-BTCUSDT.csv', 'BTCUSDT'],
    ['trades-20230202-SOLUSDT.csv', 'SOLUSDT'], // digits only is a date, not a symbol
    ['trades-ETH-2023.csv', null], // too short
    ['ethusdt-trades.csv', null], // lower case
  ])('%s -> %s', (name, symbol) => {
    expect(symbolFromFileName(name)).toBe(symbol);
  });
});

describe('readReplayFile', () => {
  it('reads the ETHUSDT trade CSV: taker side, exact strings, symbol from the name', async () => {
    const malformed: MalformedLine[] = [];
    const events = await all(
      readReplayFile(parseReplaySpec(ETHUSDT_CSV)[0] as { file: string }, { onMalformed: (m) => malformed.push(m) }),
    );
    expect(malformed).toEqual([]);
    expect(events).toHaveLength(1_000);
    // Row 1 of the file: 0,1675329600138,1206419187,,buy,1666.8,26.062,43440.1416,...
    expect(events[0]).toEqual({
      kind: 'trade',
      trade: {
        source: 'replay',
        symbol: 'ETHUSDT',
        tradeId: '1206419187',
        time: 1_675_329_600_138,
        price: '1666.8',
        quantity: '26.062',
        priceNum: 1666.8,
        quantityNum: 26.062,
        takerSide: 'BUY',
      },
    });
    expect(events[1]).toMatchObject({ kind: 'trade', trade: { takerSide: 'SELL', tradeId: '1206419188' } });
  });

  it('reads the kline CSV as complete 1m candles with trades 1', async () => {
    const events = await all(readReplayFile({ file: KLINES_CSV, symbol: 'UNITTESTBTC' }));
    expect(events).toHaveLength(13_681);
    // Row 1: 1509836520000,0.00162008,0.00162008,0.00162008,0.00162008,108.14853839
    expect(events[0]).toEqual({
      kind: 'candle',
      candle: {
        symbol: 'UNITTESTBTC',
        interval: '1m',
        openTime: 1_509_836_520_000,
        closeTime: 1_509_836_580_000,
        open: '0.00162008',
        high: '0.00162008',
        low: '0.00162008',
        close: '0.00162008',
        volume: '108.14853839',
        trades: 1,
        source: 'replay',
        complete: true,
        lastTradeTime: 1_509_836_579_999,
      },
    });
  });

  it('skips malformed CSV rows with their line numbers, and a kline row without volume', async () => {
    const trades = await file('trades-MIXEDUSD.csv', [
      'timestamp,id,side,price,amount,cost',
      '1675329600138,1,buy,1666.8,1,1666.8',
      '1675329600139,2,hold,1666.8,1,1666.8',
      '1675329600140,3,sell,-1,1,1000',
      'x,4,sell,1,1,1',
      '1675329600141,5,sell,0.00,1,0',
    ]);
    const malformed: MalformedLine[] = [];
    const events = await all(
      readReplayFile({ file: trades, symbol: 'MIXEDUSD' }, { onMalformed: (m) => malformed.push(m) }),
    );
    expect(events.map((e) => (e.kind === 'trade' ? e.trade.tradeId : ''))).toEqual(['1', '5']);
    expect(malformed.map((m) => m.line)).toEqual([3, 4, 5]);
    const klines = await file('klines-1m-MIXEDUSD.csv', [
      'open_time_ms,open,high,low,close,volume',
      '60000,1,2,1,2,3',
      '120000,2,2,2,2,0',
      '150000,2,2,2,2,1',
      '180000,3,2,1,2,1',
    ]);
    const candles = await all(
      readReplayFile({ file: klines, symbol: 'MIXEDUSD' }, { onMalformed: (m) => malformed.push(m) }),
    );
    expect(candles.map((e) => (e.kind === 'candle' ? e.candle.openTime : 0))).toEqual([60_000]);
    expect(malformed.map((m) => m.line)).toEqual([3, 4, 5, 4, 5]);
  });

  it('fails on a CSV without a symbol or with an unknown header', async () => {
    const nameless = await file('trades.csv', ['timestamp,id,side,price,amount', '1,1,buy,1,1']);
    await expect(all(readReplayFile({ file: nameless }))).rejects.toThrow(/<SYMBOL>/);
    const unknown = await file('quotes-QUOTEUSD.csv', ['time,bid,ask', '1,1,2']);
    await expect(all(readReplayFile({ file: unknown }))).rejects.toThrow(/unknown format/);
  });

  it('re-keys ndjson trades to an override symbol, with source replay', async () => {
    const path = await file('rekey.ndjson', [line(1, 0)]);
    const [event] = await all(readReplayFile({ file: path, symbol: 'XRP-ETH' }));
    expect(event).toMatchObject({ kind: 'trade', trade: { symbol: 'XRP-ETH', source: 'replay' } });
  });
});

describe('ReplayFeed over several files', () => {
  it('merges ndjson, trade CSV and kline CSV by time, each kline at the end of its minute', async () => {
    const ndjson = await file('merge.ndjson', [line(1, 0), line(2, 59_000), line(3, 130_000)]);
    const trades = await file('trades-CSVUSDT-merge.csv', [
      ',timestamp,id,type,side,price,amount,cost,date',
      `0,${T0 + 30_000},7,,sell,10,1,10,x`,
      `1,${T0 + 59_999},8,,buy,11,1,11,x`,
      `2,${T0 + 200_000},9,,buy,12,1,12,x`,
    ]);
    const klines = await file('klines-1m-KLINEBTC.csv', [
      'open_time_ms,open,high,low,close,volume',
      `${T0},1,1,1,1,5`,
      `${T0 + 120_000},1,2,1,2,5`,
    ]);
    const order: string[] = [];
    const clock: number[] = [];
    const feed = new ReplayFeed({
      sources: parseReplaySpec(`replay:${ndjson},${trades},${klines}`),
      speed: Number.POSITIVE_INFINITY,
      onTrade: (t) => order.push(`${t.symbol}:${t.time - T0}:${t.source}`),
      onCandle: (c) => order.push(`${c.symbol}:candle:${c.openTime - T0}:${c.source}`),
      onClock: (time) => clock.push(time),
    });
    await feed.start();
    expect(order).toEqual([
      'XRPETH:0:replay',
      'CSVUSDT:30000:replay',
      'XRPETH:59000:replay',
      'CSVUSDT:59999:replay',
      'KLINEBTC:candle:0:replay', // due at 59,999 like the CSV trade: ties go in file order
      'XRPETH:130000:replay',
      'KLINEBTC:candle:120000:replay',
      'CSVUSDT:200000:replay',
    ]);
    expect(feed.stats).toEqual({ trades: 6, candles: 2, malformed: 0, loops: 0 });
  });

  it('needs onCandle for a kline file', async () => {
    const feed = new ReplayFeed({
      sources: [{ file: KLINES_CSV, symbol: 'UNITTESTBTC' }],
      speed: Number.POSITIVE_INFINITY,
      onTrade: () => {},
    });
    await expect(feed.start()).rejects.toThrow(/onCandle/);
    expect(() => new ReplayFeed({ speed: 1, onTrade: () => {} })).toThrow(RangeError);
  });

  it('loops several files with one time shift and per-symbol id shifts', async () => {
    const ndjson = await file('loop-multi.ndjson', [line(100, 0), line(101, 30_000)]);
    const csv = await file('trades-LOOPUSDT.csv', [
      'timestamp,id,side,price,amount',
      `${T0 + 10_000},5000,buy,1,1`,
      `${T0 + 70_000},5002,buy,1,1`,
    ]);
    const klines = await file('klines-1m-LOOPBTC.csv', [
      'open_time_ms,open,high,low,close,volume',
      `${T0 + 60_000},1,1,1,1,1`,
    ]);
    const seen: string[] = [];
    const feed = new ReplayFeed({
      sources: parseReplaySpec(`${ndjson},${csv},${klines}`),
      speed: Number.POSITIVE_INFINITY,
      loop: true,
      onTrade: (t) => {
        seen.push(`${t.symbol}:${t.tradeId}:${t.time - T0}`);
        if (seen.length === 8) feed.stop();
      },
      onCandle: (c) => seen.push(`${c.symbol}:${c.openTime - T0}`),
    });
    await feed.start();
    // Span 0..119,999 ms (the kline's last ms): rounded up to 120,000 plus a minute.
    expect(seen).toEqual([
      'XRPETH:100:0',
      'LOOPUSDT:5000:10000',
      'XRPETH:101:30000',
      'LOOPUSDT:5002:70000',
      'LOOPBTC:60000', // due at 119,999
      'XRPETH:102:180000',
      'LOOPUSDT:5003:190000',
      'XRPETH:103:210000',
    ]);
    expect(feed.stats.loops).toBe(1);
  });

  it('replays the kline CSV into an aggregator as the same 1m candles, empty minutes filling its gaps', async () => {
    const events: ReplayEvent[] = await all(readReplayFile({ file: KLINES_CSV, symbol: 'UNITTESTBTC' }));
    const rows = events.flatMap((e) => (e.kind === 'candle' ? [e.candle] : []));
    const candles: Candle[] = [];
    const aggregator = new CandleAggregator({
      intervals: ['1m', '1h'],
      onCandle: (c) => candles.push(c),
      now: () => 0,
    });
    const feed = new ReplayFeed({
      sources: [{ file: KLINES_CSV, symbol: 'UNITTESTBTC' }],
      speed: Number.POSITIVE_INFINITY,
      onTrade: () => {},
      onCandle: (c) => aggregator.addCandle(c),
      onClock: (time) => aggregator.advanceTo(time),
    });
    await feed.start();
    aggregator.flush();
    const oneMinute = candles.filter((c) => c.interval === '1m');
    const first = rows[0] as Candle;
    const last = rows.at(-1) as Candle;
    expect(oneMinute).toHaveLength((last.openTime - first.openTime) / 60_000 + 1);
    const byOpen = new Map(rows.map((r) => [r.openTime, r]));
    for (const c of oneMinute) {
      const row = byOpen.get(c.openTime);
      if (row) expect(c).toEqual({ ...row, closedAt: 0 });
      else expect(c).toMatchObject({ trades: 0, volume: '0', open: c.close, high: c.close, low: c.close });
    }
    expect(oneMinute.filter((c) => c.trades === 0).length).toBeGreaterThan(0);
    expect(aggregator.stats.lateCandles).toBe(0);
  });
});
