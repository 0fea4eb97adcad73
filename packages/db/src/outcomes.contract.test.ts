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
import { insertSignals, loadDeliveryCursor, saveDeliveryCursors } from './queries/signals.ts';
import { strategyVersions } from './schema/strategies.ts';
import { DATABASE_ADAPTERS, earlierDatabase, useTestDatabase } from './test-database.ts';

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

    // OPEN rows, as an earlier version of the outcome service wrote them.
    const open = [a, b, c].map((s) => ({ outcome: openOutcomeOf(s), interval: '1m' as const }));
    expect(await saveOutcomes(db, open)).toEqual([]);

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
  });

  it.runIf(enabled)('finds the live signals between two sequences without a closed outcome', async () => {
    const db = test.database.db;
    const owner = await test.strategyRow('open outcomes');
    await db.insert(strategyVersions).values([
      { strategyId: owner, version: 1, symbols: ['BTCUSDT'], interval: '5m' },
      { strategyId: owner, version: 2, symbols: ['BTCUSDT'], interval: '1h' },
    ]);
    const before = signalOf(owner, 0);
    const closedOne = signalOf(owner, 1);
    const openRow = signalOf(owner, 2, { version: 2 });
    const shadow = signalOf(owner, 3, { version: 2, shadow: true });
    const noInterval = signalOf(owner, 4, { version: 3 });
    const open = signalOf(owner, 5);
    const after = signalOf(owner, 6);
    const stored = await insertSignals(db, [before, closedOne, openRow, shadow, noInterval, open, after]);
    const seq = new Map(stored.map((s) => [s.id, s.seq]));
    const seqOf = (signal: Signal) => seq.get(signal.id) as number;
    await saveOutcomes(db, [
      { outcome: closed(closedOne, 'STOP_LOSS', 41000.25, 1), interval: '5m' },
      // An earlier version's OPEN row is no closed outcome.
      { outcome: openOutcomeOf(openRow), interval: '1h' },
    ]);

    const found = await openOutcomeSignals(db, { afterSeq: seqOf(before), throughSeq: seqOf(open) });
    expect(found).toEqual([
      { signal: { ...openRow, seq: seqOf(openRow) }, interval: '1h' },
      { signal: { ...open, seq: seqOf(open) }, interval: '5m' },
    ]);
    expect(await openOutcomeSignals(db, { afterSeq: seqOf(open), throughSeq: seqOf(open) })).toEqual([]);
    expect(
      (await openOutcomeSignals(db, { afterSeq: seqOf(before) - 1, throughSeq: seqOf(after) })).map((o) => o.signal.id),
    ).toEqual([before.id, openRow.id, open.id, after.id]);
  });

  it.runIf(enabled)('stores odd text and non-finite returns exactly as given', async () => {
    const db = test.database.db;
    const owner = await test.strategyRow('odd outcomes');
    // Text the array literal must quote and escape, and an entry price of zero, whose return is ±Infinity or NaN.
    const odd = (minute: number, symbol: string): Signal => ({
      ...signalOf(owner, minute),
      id: signalId(owner, 1, symbol, BASE + minute * MINUTE),
      symbol,
      priceTarget: '0',
    });
    const [up, flat, open] = [odd(0, 'A"B\\C,{D} NULL'), odd(1, 'NULL'), odd(2, ' spaced, "quoted" \\ é')] as [
      Signal,
      Signal,
      Signal,
    ];
    await insertSignals(db, [up, flat, open]);
    const upClosed = { ...openOutcomeOf(up), status: 'TAKE_PROFIT' as const, closedAt: up.expiresAt, exitPrice: 1 };
    const flatClosed = { ...openOutcomeOf(flat), status: 'EXPIRED' as const, closedAt: flat.expiresAt, exitPrice: 0 };
    const writes = [
      { outcome: { ...upClosed, returnPct: ((1 - 0) / 0) * 100 }, interval: '1m' as const },
      { outcome: { ...flatClosed, returnPct: ((0 - 0) / 0) * 100 }, interval: '1m' as const },
      { outcome: openOutcomeOf(open), interval: '1m' as const },
    ];
    expect(await saveOutcomes(db, writes)).toEqual([up.id, flat.id]);

    const [upRead, flatRead, openRead] = await getOutcomes(db, [up.id, flat.id, open.id]);
    expect(upRead).toEqual({ ...writes[0]?.outcome, exitPriceDecimal: '1' });
    expect(upRead?.returnPct).toBe(Number.POSITIVE_INFINITY);
    expect(flatRead?.returnPct).toBeNaN();
    expect(flatRead?.symbol).toBe('NULL');
    expect(openRead).toEqual({ ...openOutcomeOf(open), exitPriceDecimal: null });
    expect(openRead?.symbol).toBe(' spaced, "quoted" \\ é');
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

describe('the outcome cursors of an earlier version', () => {
  /**
   * A database migrated up to 0014, where the outcome service wrote an OPEN row for every signal it was handed; `open`
   * says which of five signals still had one, and `handed` how many it was handed (its `outcomes` cursor, if any).
   * Returns its `outcomes-closed` cursor once migrated to the end, and the signals' sequences.
   */
  async function closedCursorAfterUpgrade(open: readonly number[], handed: number | null) {
    const { client, db, upgrade, close } = await earlierDatabase('0015_');
    try {
      const { rows } = await client.query<{ id: string }>("insert into strategies (name) values ('old') returning id");
      const owner = rows[0]?.id ?? '';
      const signals = [0, 1, 2, 3, 4].map((minute) => signalOf(owner, minute));
      const seqs = (await insertSignals(db, signals)).map((s) => s.seq);
      const handedSignals = signals.slice(0, handed ?? 0);
      await saveOutcomes(
        db,
        handedSignals.map((signal, index) => ({
          outcome: open.includes(index) ? openOutcomeOf(signal) : closed(signal, 'EXPIRED', 42000, 10),
          interval: '1m' as const,
        })),
      );
      if (handed !== null) await saveDeliveryCursors(db, [{ channel: 'outcomes', lastSeq: seqs[handed - 1] ?? 0 }]);
      await upgrade();
      return { closedThrough: await loadDeliveryCursor(db, 'outcomes-closed'), seqs };
    } finally {
      await close();
    }
  }

  it('starts the closed cursor before the oldest OPEN row', async () => {
    const { closedThrough, seqs } = await closedCursorAfterUpgrade([1, 3], 4);
    expect(closedThrough).toBe((seqs[1] as number) - 1);
  });

  it('starts it at the outcomes cursor when nothing is OPEN, and not at all before a first start', async () => {
    const { closedThrough, seqs } = await closedCursorAfterUpgrade([], 4);
    expect(closedThrough).toBe(seqs[3]);
    expect((await closedCursorAfterUpgrade([], null)).closedThrough).toBeNull();
  });
});
