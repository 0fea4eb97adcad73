import { type Signal, signalId } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import {
  getSignals,
  insertSignals,
  listSignals,
  listStrategySignals,
  signalCountsByVersion,
} from './queries/signals.ts';
import { DATABASE_ADAPTERS, earlierDatabase, useTestDatabase } from './test-database.ts';

const BASE = Date.UTC(2019, 9, 11, 0, 0, 0);
const MINUTE = 60_000;

function signalOf(
  strategyId: string,
  minute: number,
  options: { version?: number; shadow?: boolean; symbol?: string } = {},
): Signal {
  const { version = 1, shadow = false, symbol = 'XRPETH' } = options;
  const time = BASE + minute * MINUTE;
  return {
    id: signalId(strategyId, version, symbol, time),
    timestamp: time,
    strategyId,
    strategyName: 'owner',
    strategyVersion: version,
    strategySource: 'NO_CODE',
    symbol,
    action: 'SELL',
    confidence: 0.61,
    quantity: '12.5',
    priceTarget: '0.00141342',
    stopLoss: '0.00000001',
    takeProfit: '123456789.123456789',
    riskScore: 0.2,
    metadata: { marketConditions: 'RANGING', volatility: 0.0123, volumeProfile: 'LOW' },
    explanation: {
      rule: 'ema-cross-down',
      indicators: [
        { name: 'ema9', value: 0.00141001 },
        { name: 'ema21', value: 0.00141377 },
        { name: 'rsi14', value: null },
      ],
    },
    expiresAt: time + 15 * MINUTE,
    shadow,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.0003 },
    marketDataTimestamp: time - 1234,
    latencyMs: null,
  };
}

describe.each(DATABASE_ADAPTERS)('signals on $name', ({ url, enabled }) => {
  const test = useTestDatabase({ url, enabled });
  const strategyRow = () => test.strategyRow('signals-owner');

  it.runIf(enabled)('round-trips explanation, expiry and shadow; lists live signals unless asked', async () => {
    const owner = await strategyRow();
    const live = [0, 1, 2].map((m) => signalOf(owner, m));
    const shadow = [1, 3].map((m) => signalOf(owner, m, { version: 2, shadow: true }));
    expect(await insertSignals(test.database.db, [...live, ...shadow])).toHaveLength(5);

    const stored = await getSignals(test.database.db, [shadow[0]?.id ?? '', live[2]?.id ?? '']);
    expect(stored).toEqual([shadow[0], live[2]]);
    expect(stored[0]?.explanation.indicators[2]).toEqual({ name: 'rsi14', value: null });
    expect(stored[0]?.expiresAt).toBe(BASE + 16 * MINUTE);

    const byDefault = await listSignals(test.database.db, { first: 10, filter: { strategyIds: [owner] } });
    expect(byDefault.items.map((i) => i.node.timestamp)).toEqual([BASE + 2 * MINUTE, BASE + MINUTE, BASE]);
    const liveOnly = await listSignals(test.database.db, {
      first: 10,
      filter: { strategyIds: [owner], shadow: false },
    });
    expect(liveOnly.items.map((i) => i.node.id)).toEqual(byDefault.items.map((i) => i.node.id));
    const shadowOnly = await listSignals(test.database.db, {
      first: 1,
      filter: { strategyIds: [owner], shadow: true },
    });
    expect(shadowOnly.items.map((i) => [i.node.timestamp, i.node.shadow])).toEqual([[BASE + 3 * MINUTE, true]]);
    expect(shadowOnly.hasNextPage).toBe(true);
    const rest = await listSignals(test.database.db, {
      first: 5,
      after: shadowOnly.items[0]?.cursor,
      filter: { strategyIds: [owner], shadow: true },
    });
    expect(rest.items.map((i) => i.node.timestamp)).toEqual([BASE + MINUTE]);
    expect(rest.hasNextPage).toBe(false);
  });

  it.runIf(enabled)('pages many strategies in one call, each newest first, in the order asked', async () => {
    const a = await strategyRow();
    const b = await strategyRow();
    const none = await strategyRow();
    await insertSignals(test.database.db, [
      ...[0, 1, 2, 3, 4].map((m) => signalOf(a, m)),
      signalOf(a, 5, { version: 2, shadow: true }),
      ...[10, 11].map((m) => signalOf(b, m)),
    ]);

    const [pageB, pageNone, pageA, pageB2] = await listStrategySignals(test.database.db, [b, none, a, b], { first: 2 });
    expect(pageA?.items.map((i) => i.node.timestamp)).toEqual([BASE + 4 * MINUTE, BASE + 3 * MINUTE]);
    expect(pageA?.hasNextPage).toBe(true);
    expect(pageB?.items.map((i) => i.node.timestamp)).toEqual([BASE + 11 * MINUTE, BASE + 10 * MINUTE]);
    expect(pageB?.hasNextPage).toBe(false);
    expect(pageB2).toEqual(pageB);
    expect(pageNone).toEqual({ items: [], hasNextPage: false });
    expect(pageA?.items[0]?.node).toEqual(signalOf(a, 4));

    const after = pageA?.items[1]?.cursor;
    const [nextA] = await listStrategySignals(test.database.db, [a], { first: 2, after });
    expect(nextA?.items.map((i) => i.node.timestamp)).toEqual([BASE + 2 * MINUTE, BASE + MINUTE]);
    expect(nextA?.hasNextPage).toBe(true);
    const [shadowA] = await listStrategySignals(test.database.db, [a], { first: 2, shadow: true });
    expect(shadowA?.items.map((i) => i.node.timestamp)).toEqual([BASE + 5 * MINUTE]);
    expect(await listStrategySignals(test.database.db, [], { first: 2 })).toEqual([]);
    await expect(listStrategySignals(test.database.db, [a], { first: 1, after: 'nonsense' })).rejects.toThrow(
      /not a cursor/,
    );
  });

  it.runIf(enabled)('counts signals per strategy version with the time of the newest', async () => {
    const a = await strategyRow();
    const b = await strategyRow();
    const quiet = await strategyRow();
    await insertSignals(test.database.db, [
      signalOf(a, 0),
      signalOf(a, 7),
      signalOf(a, 3),
      signalOf(a, 8, { version: 2, shadow: true }),
      signalOf(b, 1, { version: 3 }),
    ]);
    const counts = await signalCountsByVersion(test.database.db, [b, a, quiet]);
    const sorted = [...counts].sort((x, y) =>
      `${x.strategyId}${x.version}`.localeCompare(`${y.strategyId}${y.version}`),
    );
    const expected = [
      { strategyId: a, version: 1, count: 3, lastSignalAt: BASE + 7 * MINUTE },
      { strategyId: a, version: 2, count: 1, lastSignalAt: BASE + 8 * MINUTE },
      { strategyId: b, version: 3, count: 1, lastSignalAt: BASE + MINUTE },
    ].sort((x, y) => `${x.strategyId}${x.version}`.localeCompare(`${y.strategyId}${y.version}`));
    expect(sorted).toEqual(expected);
    expect(await signalCountsByVersion(test.database.db, [])).toEqual([]);
  });
});

describe('migration 0002_signals_explained', () => {
  it('gives signals stored before it an empty explanation, an expiry at their own time, and live status', async () => {
    // Migrate a fresh database to 0001 only, store a signal as the old code did, then apply the rest.
    const { client, db, upgrade, close } = await earlierDatabase('0002_');
    try {
      const { rows } = await client.query<{ id: string }>("insert into strategies (name) values ('old') returning id");
      const owner = rows[0]?.id ?? '';
      const old = signalOf(owner, 0);
      await client.query(
        `insert into signals (id, timestamp, strategy_id, strategy_name, strategy_version, strategy_source, symbol,
           action, confidence, quantity, price_target, stop_loss, take_profit, risk_score, market_conditions,
           volatility, volume_profile, order_type, time_in_force, max_slippage, market_data_timestamp, latency_ms)
         values ($1, '2019-10-11T00:00:00.000Z', $2, 'owner', 1, 'NO_CODE', 'XRPETH', 'SELL', 0.61, '12.5',
           '0.00141342', '0.00000001', '123456789.123456789', 0.2, 'RANGING', 0.0123, 'LOW', 'LIMIT', 'GTC', 0.0003,
           '2019-10-10T23:59:58.766Z', null)`,
        [old.id, owner],
      );
      await upgrade();
      const [stored] = await getSignals(db, [old.id]);
      expect(stored).toEqual({ ...old, explanation: { rule: '', indicators: [] }, expiresAt: BASE, shadow: false });
    } finally {
      await close();
    }
  });
});
