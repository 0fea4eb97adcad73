import { type Signal, signalId } from '@alphintra/core';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client.ts';
import { getSignals, insertSignals, listSignals } from './queries/signals.ts';
import { createStrategy } from './queries/strategies.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

function signalAt(strategyId: string, time: number, symbol = 'XRPETH'): Signal {
  return {
    id: signalId(strategyId, 1, symbol, time),
    timestamp: time,
    strategyId,
    strategyName: 'ema',
    strategyVersion: 1,
    strategySource: 'NO_CODE',
    symbol,
    action: 'BUY',
    confidence: 0.75,
    quantity: null,
    priceTarget: '0.00141342',
    stopLoss: '0.00000001',
    takeProfit: '123456789.123456789',
    riskScore: 0.2,
    metadata: { marketConditions: 'TRENDING_UP', volatility: 0.0123, volumeProfile: 'HIGH' },
    explanation: { rule: 'fast-above-slow', indicators: [{ name: 'ema9', value: 0.0014 }] },
    expiresAt: time + 60_000,
    shadow: false,
    executionParams: { orderType: 'MARKET', timeInForce: 'IOC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1234,
    latencyMs: 0.42,
  };
}

const adapters = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'Postgres', url: postgresUrl, enabled: postgresUrl !== undefined },
];

describe.each(adapters)('database on $name', ({ url, enabled }) => {
  let database: Database;
  let drop = async () => {};

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (url) {
      const created = await createTestDatabase(url);
      dbUrl = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url: dbUrl });
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  it.runIf(enabled)('stores signals exactly, skips duplicates, and pages newest first', async () => {
    const { strategy } = await createStrategy(database.db, {
      name: 'signals-owner',
      source: 'NO_CODE',
      symbols: ['XRPETH', 'BTCUSDT'],
      document: {
        version: 1,
        interval: '1m',
        indicators: { atr: { type: 'ATR', period: 14 } },
        rules: [{ id: 'always', side: 'BUY', when: { gt: [{ field: 'close' }, 0] } }],
        stopLoss: { percent: 1 },
        takeProfit: { percent: 2 },
      },
      run: { mode: 'LIVE' },
    });
    const base = Date.UTC(2019, 9, 11, 0, 0, 0);
    const batch = [0, 1, 2, 3].map((i) => signalAt(strategy.id, base + i * 60_000, i === 3 ? 'BTCUSDT' : 'XRPETH'));
    expect((await insertSignals(database.db, batch)).length).toBe(4);
    expect(await insertSignals(database.db, [batch[0] as Signal])).toEqual([]);

    const [stored] = await getSignals(database.db, [batch[0]?.id ?? '']);
    expect(stored).toEqual(batch[0]);

    const page1 = await listSignals(database.db, { first: 2 });
    expect(page1.items.map((i) => i.node.timestamp)).toEqual([base + 180_000, base + 120_000]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await listSignals(database.db, { first: 2, after: page1.items[1]?.cursor });
    expect(page2.items.map((i) => i.node.timestamp)).toEqual([base + 60_000, base]);
    expect(page2.hasNextPage).toBe(false);

    const xrp = await listSignals(database.db, { first: 10, filter: { symbols: ['XRPETH'], minConfidence: 0.5 } });
    expect(xrp.items).toHaveLength(3);
    const none = await listSignals(database.db, { first: 10, filter: { actions: ['SELL'] } });
    expect(none.items).toHaveLength(0);
    await expect(listSignals(database.db, { first: 1, after: 'nonsense' })).rejects.toThrow(/not a cursor/);
  });

  it.runIf(enabled)('stores every field as it was given, whatever characters its text holds', async () => {
    const { strategy } = await createStrategy(database.db, {
      name: 'odd-text-owner',
      source: 'NO_CODE',
      symbols: ['XRPETH'],
      document: {
        version: 1,
        interval: '1m',
        indicators: {},
        rules: [{ id: 'always', side: 'BUY', when: { gt: [{ field: 'close' }, 0] } }],
        stopLoss: { percent: 1 },
        takeProfit: { percent: 2 },
      },
    });
    const time = Date.UTC(2020, 1, 29, 23, 59, 0);
    // Quotes, backslashes, braces, commas, blanks, the word NULL, an empty string, non-ASCII text, and the doubles
    // JSON cannot hold: each column of the batch travels as one array literal, where text must be quoted and escaped.
    const odd: Signal = {
      ...signalAt(strategy.id, time),
      strategyName: 'a "quoted", {braced} back\\slash  ✓',
      metadata: { marketConditions: 'RANGING', volatility: Number.NEGATIVE_INFINITY, volumeProfile: 'LOW' },
      executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 5e-324 },
      explanation: {
        rule: 'line\nbreak "and" \\ {x}',
        indicators: [
          { name: 'ema"9"', value: -0.5 },
          { name: '\\', value: null },
        ],
      },
      confidence: Number.NaN,
      riskScore: Number.POSITIVE_INFINITY,
      quantity: '-0.000000000000000001',
      latencyMs: Number.NaN,
    };
    const empty: Signal = { ...signalAt(strategy.id, time + 60_000), strategyName: '' };
    const nullWord: Signal = { ...signalAt(strategy.id, time + 120_000), strategyName: 'NULL' };
    // The same signal twice in one batch is stored once, at its first place.
    const stored = await insertSignals(database.db, [odd, empty, nullWord, odd]);
    expect(stored.map((signal) => signal.id)).toEqual([odd.id, empty.id, nullWord.id]);
    expect(stored.map((signal) => signal.seq)).toEqual([...stored.map((signal) => signal.seq)].sort((a, b) => a - b));
    expect(await getSignals(database.db, [odd.id, empty.id, nullWord.id])).toEqual([odd, empty, nullWord]);
  });
});
