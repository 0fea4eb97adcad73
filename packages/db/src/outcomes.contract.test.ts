import { type Signal, type SignalOutcome, signalId } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import {
  getOutcomes,
  latestOutcomeSeq,
  liveSignalOutcomes,
  openOutcomeOf,
  openOutcomeSignals,
  readOutcomeOutbox,
  saveOutcomes,
  versionIntervals,
} from './queries/outcomes.ts';
import { insertSignals } from './queries/signals.ts';
import { strategyVersions } from './schema/strategies.ts';
import { DATABASE_ADAPTERS, useTestDatabase } from './test-database.ts';

const BASE = Date.UTC(2024, 0, 1, 0, 0, 0);
const MINUTE = 60_000;

function signalOf(strategyId: string, minute: number, options: { version?: number; shadow?: boolean } = {}): Signal {
  const { version = 1, shadow = false } = options;
  const time = BASE + minute * MINUTE;
  return {
    id: signalId(strategyId, version, 'BTCUSDT', time),
    timestamp: time,
    strategyId,
    strategyName: 'outcomes',
    strategyVersion: version,
    strategySource: 'NO_CODE',
    symbol: 'BTCUSDT',
    action: 'BUY',
    confidence: 0.5,
    quantity: null,
    priceTarget: '42000.5',
    stopLoss: '41000.25',
    takeProfit: '44000.75',
    riskScore: 0.2,
    metadata: { marketConditions: 'RANGING', volatility: 0.01, volumeProfile: 'NORMAL' },
    explanation: { rule: 'r', indicators: [] },
    expiresAt: time + 10 * MINUTE,
    shadow,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1,
    latencyMs: null,
  };
}

function closed(signal: Signal, status: SignalOutcome['status'], exitPrice: number, minutes: number): SignalOutcome {
  const entry = Number(signal.priceTarget);
  return {
    ...openOutcomeOf(signal),
    status,
    closedAt: signal.timestamp + minutes * MINUTE,
    exitPrice,
    returnPct: ((exitPrice - entry) / entry) * 100,
  };
}

describe.each(DATABASE_ADAPTERS)('signal outcomes on $name', ({ url, enabled }) => {
  const test = useTestDatabase({ url, enabled });

  it.runIf(enabled)('stores OPEN then closes once, each closing in the outcome outbox in commit order', async () => {
    const db = test.database.db;
    const owner = await test.strategyRow('outcomes');
    const [a, b, c] = [0, 1, 2].map((m) => signalOf(owner, m)) as [Signal, Signal, Signal];
    await insertSignals(db, [a, b, c]);
    const before = await latestOutcomeSeq(db);

    const open = [a, b, c].map((s) => ({ outcome: openOutcomeOf(s), interval: '1m' as const }));
    expect(await saveOutcomes(db, open)).toEqual([]);
    expect((await openOutcomeSignals(db)).map((o) => [o.signal, o.interval])).toEqual([
      [a, '1m'],
      [b, '1m'],
      [c, '1m'],
    ]);

    const aClosed = closed(a, 'TAKE_PROFIT', 44000.75, 3);
    const bClosed = closed(b, 'STOP_LOSS', 41000.25, 1);
    expect(await saveOutcomes(db, [{ outcome: aClosed, interval: '1m' }])).toEqual([a.id]);
    // A redelivery changes nothing and closes nothing twice; an OPEN write never reopens; b closes after a.
    expect(
      await saveOutcomes(db, [
        { outcome: closed(a, 'STOP_LOSS', 1, 1), interval: '1m' },
        { outcome: openOutcomeOf(a), interval: '1m' },
        { outcome: bClosed, interval: '1m' },
      ]),
    ).toEqual([b.id]);

    expect(await getOutcomes(db, [b.id, c.id, a.id, signalId(owner, 1, 'BTCUSDT', 0)])).toEqual([
      { ...bClosed, exitPriceDecimal: '41000.25' },
      { ...openOutcomeOf(c), exitPriceDecimal: null },
      { ...aClosed, exitPriceDecimal: '44000.75' },
      undefined,
    ]);
    const outbox = await readOutcomeOutbox(db, { afterSeq: before, limit: 10 });
    expect(outbox.map(({ seq: _seq, id, ...outcome }) => [id, outcome])).toEqual([
      [a.id, aClosed],
      [b.id, bClosed],
    ]);
    expect(outbox[1]?.seq).toBeGreaterThan(outbox[0]?.seq ?? Number.POSITIVE_INFINITY);
    expect(await latestOutcomeSeq(db)).toBe(outbox[1]?.seq);
    expect(await readOutcomeOutbox(db, { afterSeq: outbox[0]?.seq ?? 0, limit: 10 })).toEqual([outbox[1]]);
    expect((await openOutcomeSignals(db)).map((o) => o.signal.id)).toEqual([c.id]);
  });

  it.runIf(enabled)('lists the live signals of a version over a period with their outcomes', async () => {
    const db = test.database.db;
    const owner = await test.strategyRow('performance');
    await db.insert(strategyVersions).values([
      { strategyId: owner, version: 1, symbols: ['BTCUSDT'], interval: '5m' },
      { strategyId: owner, version: 2, symbols: ['BTCUSDT'], interval: '1h' },
    ]);
    const signals = [0, 5, 10, 15].map((m) => signalOf(owner, m));
    const other = signalOf(owner, 5, { version: 2 });
    const shadow = signalOf(owner, 10, { version: 3, shadow: true });
    await insertSignals(db, [...signals, other, shadow]);
    const [s0, s5, s10, s15] = signals as [Signal, Signal, Signal, Signal];
    const s5Closed = closed(s5, 'EXPIRED', 42100, 10);
    await saveOutcomes(db, [{ outcome: s5Closed, interval: '5m' }]);

    const rows = await liveSignalOutcomes(db, {
      strategyId: owner,
      version: 1,
      from: BASE + 5 * MINUTE,
      to: BASE + 15 * MINUTE,
    });
    expect(rows).toEqual([
      { signal: s5, outcome: s5Closed },
      { signal: s10, outcome: openOutcomeOf(s10) },
    ]);
    expect(rows.map((r) => r.signal.id)).not.toContain(s0.id);
    expect(rows.map((r) => r.signal.id)).not.toContain(s15.id);

    const intervals = await versionIntervals(db, [
      { strategyId: owner, version: 1 },
      { strategyId: owner, version: 2 },
    ]);
    expect(intervals.get(`${owner}|1`)).toBe('5m');
    expect(intervals.get(`${owner}|2`)).toBe('1h');
  });
});
