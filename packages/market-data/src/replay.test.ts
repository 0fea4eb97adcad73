import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle, Trade } from '@alphintra/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CandleAggregator } from './aggregator.ts';
import { BUNDLED_TRADES } from './fixtures.ts';
import { type MalformedLine, ReplayFeed, readTradeFile } from './replay.ts';

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
    expect(malformed[2]?.reason).toMatch(/"p" is not a positive decimal/);
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
    expect(feed.stats).toEqual({ trades: 5, malformed: 0, loops: 0 });
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
    const aggregator = new CandleAggregator({ onCandle: (c) => candles.push(c) });
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
    expect(candles.map((c) => [c.openTime - T0, c.trades])).toEqual([
      [0, 2],
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
    expect(feed.stats).toEqual({ trades: 9, malformed: 1, loops: 2 });
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
    expect(feed.stats).toEqual({ trades: 12_477, malformed: 0, loops: 0 });
    expect(replayed).toEqual(direct);
  });
});
