import { type Signal, type SignalAction, signalId } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { decodeCursor } from './cursor.ts';
import {
  firstSeqAtOrAfter,
  insertSignals,
  latestSignalSeq,
  listSignals,
  readOutbox,
  type SignalStatsDimension,
  signalSeqOf,
  signalSeqs,
  signalStats,
  signalsAfterSeq,
  storeSignals,
} from './queries/signals.ts';
import { DATABASE_ADAPTERS, useTestDatabase } from './test-database.ts';

const BASE = Date.UTC(2021, 2, 1);
const MINUTE = 60_000;

interface Shape {
  readonly minute: number;
  readonly symbol?: string;
  readonly action?: SignalAction;
  readonly confidence?: number;
  readonly shadow?: boolean;
}

function signalOf(strategyId: string, shape: Shape): Signal {
  const { minute, symbol = 'XRPETH', action = 'BUY', confidence = 0.5, shadow = false } = shape;
  const time = BASE + minute * MINUTE;
  return {
    id: signalId(strategyId, shadow ? 2 : 1, symbol, time),
    timestamp: time,
    strategyId,
    strategyName: 'owner',
    strategyVersion: shadow ? 2 : 1,
    strategySource: 'NO_CODE',
    symbol,
    action,
    confidence,
    quantity: null,
    priceTarget: '0.0015',
    stopLoss: '0.0014',
    takeProfit: '0.0016',
    riskScore: 0.3,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    explanation: { rule: 'r', indicators: [] },
    expiresAt: time + MINUTE,
    shadow,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1,
    latencyMs: null,
  };
}

describe.each(DATABASE_ADAPTERS)('signal sequence, resume and statistics queries on $name', ({ url, enabled }) => {
  const test = useTestDatabase({ url, enabled });
  const strategyRow = () => test.strategyRow('sequence-owner');

  it.runIf(enabled)('finds a signal by id or time in delivery order and reads the live ones after it', async () => {
    const a = await strategyRow();
    const b = await strategyRow();
    const start = await latestSignalSeq(test.database.db);
    // Stored in three commits; minute 5 of b is stored after minute 7 of a, so delivery order is not time order.
    const first = [signalOf(a, { minute: 1 }), signalOf(a, { minute: 2, shadow: true }), signalOf(b, { minute: 3 })];
    const second = [signalOf(a, { minute: 7, symbol: 'ETHBTC', action: 'SELL' })];
    const third = [signalOf(b, { minute: 5 }), signalOf(a, { minute: 9, confidence: 0.9 })];
    for (const batch of [first, second, third]) await insertSignals(test.database.db, batch);
    const order = [...first, ...second, ...third];
    const seqs = new Map(
      (await readOutbox(test.database.db, { afterSeq: start, limit: 100, shadow: true })).map((s) => [s.id, s.seq]),
    );
    expect([...seqs.keys()]).toEqual(order.map((s) => s.id));
    const seq = (signal: Signal | undefined) => seqs.get(signal?.id ?? '') as number;

    expect(await signalSeqOf(test.database.db, first[2]?.id ?? '')).toBe(seq(first[2]));
    expect(await signalSeqOf(test.database.db, '6f1c2c5e-0000-4000-8000-000000000000')).toBeNull();
    expect(await signalSeqOf(test.database.db, 'not-an-id')).toBeNull();

    const liveOrder = order.filter((s) => !s.shadow);
    const after = async (afterSeq: number, extra: Partial<Parameters<typeof signalsAfterSeq>[1]> = {}) =>
      (
        await signalsAfterSeq(test.database.db, {
          afterSeq,
          limit: 100,
          ...extra,
          filter: { strategyIds: [a, b], ...extra.filter },
        })
      ).map((s) => s.id);
    expect(await after(start)).toEqual(liveOrder.map((s) => s.id));
    expect(await after(seq(first[0]))).toEqual(liveOrder.slice(1).map((s) => s.id));
    expect(await after(start, { limit: 2 })).toEqual(liveOrder.slice(0, 2).map((s) => s.id));
    expect(await after(start, { upToSeq: seq(second[0]) })).toEqual(liveOrder.slice(0, 3).map((s) => s.id));
    expect(await after(start, { filter: { symbols: ['ETHBTC'] } })).toEqual([second[0]?.id]);
    expect(await after(start, { filter: { strategyIds: [b] } })).toEqual([first[2]?.id, third[0]?.id]);
    // Never a shadow signal, whatever the filter says.
    expect(await after(start, { filter: { shadow: true } })).toEqual(liveOrder.map((s) => s.id));
    const [stored] = await signalsAfterSeq(test.database.db, { afterSeq: seq(third[0]), limit: 1 });
    expect(stored).toEqual({ ...third[1], seq: seq(third[1]) });

    // A time: from the first live signal, in delivery order, at or after it (minute 5 comes after minute 7).
    expect(await firstSeqAtOrAfter(test.database.db, BASE + 4 * MINUTE)).toBe(seq(second[0]));
    expect(await firstSeqAtOrAfter(test.database.db, BASE + 2 * MINUTE)).toBe(seq(first[2]));
    expect(await firstSeqAtOrAfter(test.database.db, BASE + 10 * MINUTE)).toBeNull();

    expect(await signalSeqs(test.database.db, [third[0]?.id ?? '', 'nope', first[1]?.id ?? ''])).toEqual([
      seq(third[0]),
      undefined,
      seq(first[1]),
    ]);
  });

  it.runIf(enabled)(
    'stores a batch in one statement: its new signals as read back, and what was committed before',
    async () => {
      const owner = await strategyRow();
      const db = test.database.db;
      const before = await latestSignalSeq(db);
      const first = [signalOf(owner, { minute: 1 }), signalOf(owner, { minute: 2, shadow: true })];
      const stored = await storeSignals(db, first);
      expect(stored.afterSeq).toBe(before);
      // What it answers is what the outbox holds: the same signals, sequences and order.
      const outbox = await readOutbox(db, { afterSeq: before, limit: 100, shadow: true });
      expect(stored.signals).toEqual(outbox);
      expect(outbox.map((s) => s.id)).toEqual(first.map((s) => s.id));

      // One already stored, one new given twice: the new one once, at its first place; the batch follows the first.
      const fresh = signalOf(owner, { minute: 3, symbol: 'ETHBTC' });
      const second = await storeSignals(db, [first[0] as Signal, fresh, fresh]);
      expect(second.afterSeq).toBe(stored.signals.at(-1)?.seq);
      expect(second.signals.map((s) => s.id)).toEqual([fresh.id]);
      expect(second.signals).toEqual(await readOutbox(db, { afterSeq: second.afterSeq, limit: 100 }));
      expect((await storeSignals(db, [fresh])).signals).toEqual([]);

      // Stored at once on several connections: one after the other, each following the one committed before it.
      const batches = Array.from({ length: 6 }, (_, index) =>
        Array.from({ length: 5 }, (_, n) => signalOf(owner, { minute: 100 + index * 10 + n })),
      );
      const results = await Promise.all(batches.map((batch) => storeSignals(db, batch)));
      const byCommit = [...results].sort((a, b) => a.afterSeq - b.afterSeq);
      expect(byCommit[0]?.afterSeq).toBe(second.signals.at(-1)?.seq);
      for (let index = 1; index < byCommit.length; index++) {
        expect(byCommit[index]?.afterSeq).toBe(byCommit[index - 1]?.signals.at(-1)?.seq);
      }
      expect(byCommit.flatMap((result) => result.signals)).toEqual(
        await readOutbox(db, { afterSeq: second.signals.at(-1)?.seq ?? 0, limit: 100 }),
      );
    },
  );

  it.runIf(enabled)('pages history from a cursor with ties on the time, by id', async () => {
    const owner = await strategyRow();
    // Five signals in the same minute (ties on the time) and three before it.
    const batch = [
      ...['AAA', 'BBB', 'CCC', 'DDD', 'EEE'].map((symbol) => signalOf(owner, { minute: 100, symbol })),
      ...[97, 98, 99].map((minute) => signalOf(owner, { minute })),
    ];
    await insertSignals(test.database.db, batch);
    const expected = [...batch].sort((x, y) => y.timestamp - x.timestamp || (y.id < x.id ? -1 : 1)).map((s) => s.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let more = true; more; ) {
      const page = await listSignals(test.database.db, { first: 3, after, filter: { strategyIds: [owner] } });
      seen.push(...page.items.map((i) => i.node.id));
      more = page.hasNextPage;
      after = page.items.at(-1)?.cursor ?? null;
      expect(decodeCursor(after ?? '')).toHaveLength(2);
    }
    expect(seen).toEqual(expected);
    await expect(listSignals(test.database.db, { first: 1, after: 'nonsense' })).rejects.toThrow(/not a cursor/);
  });

  it.runIf(enabled)('counts signals and averages confidence per group in a time range', async () => {
    const a = await strategyRow();
    const b = await strategyRow();
    const shapes: [string, Shape][] = [];
    const symbols = ['XRPETH', 'ETHBTC', 'BTCUSDT'];
    for (let i = 0; i < 40; i++) {
      shapes.push([
        i % 3 === 0 ? b : a,
        {
          minute: 1_000 + i,
          symbol: symbols[i % symbols.length] as string,
          action: i % 4 === 0 ? 'SELL' : 'BUY',
          confidence: ((i * 37) % 100) / 100,
          shadow: i % 10 === 9,
        },
      ]);
    }
    const all = shapes.map(([owner, shape]) => signalOf(owner, shape));
    await insertSignals(test.database.db, all);
    const from = BASE + 1_005 * MINUTE;
    const to = BASE + 1_031 * MINUTE;

    /** The expected groups, computed here from the signals written. */
    function expected(groupBy: SignalStatsDimension[], shadow = false) {
      const groups = new Map<string, { key: (string | null)[]; confidences: number[] }>();
      for (const s of all) {
        if (s.shadow !== shadow || s.timestamp < from || s.timestamp >= to) continue;
        const key = [
          groupBy.includes('STRATEGY') ? s.strategyId : null,
          groupBy.includes('SYMBOL') ? s.symbol : null,
          groupBy.includes('ACTION') ? s.action : null,
        ];
        const group = groups.get(JSON.stringify(key)) ?? { key, confidences: [] };
        group.confidences.push(s.confidence);
        groups.set(JSON.stringify(key), group);
      }
      return [...groups.values()]
        .sort((x, y) => {
          for (let k = 0; k < 3; k++) {
            const [p, q] = [x.key[k] ?? '', y.key[k] ?? ''];
            if (p !== q) return p < q ? -1 : 1;
          }
          return 0;
        })
        .map(({ key, confidences }) => ({
          strategyId: key[0],
          symbol: key[1],
          action: key[2],
          count: confidences.length,
          averageConfidence: expect.closeTo(confidences.reduce((sum, c) => sum + c, 0) / confidences.length, 9),
        }));
    }

    const filter = { strategyIds: [a, b] };
    for (const groupBy of [
      ['STRATEGY'],
      ['SYMBOL'],
      ['ACTION'],
      ['STRATEGY', 'SYMBOL'],
      ['ACTION', 'STRATEGY', 'SYMBOL'],
      [],
    ] as SignalStatsDimension[][]) {
      const stats = await signalStats(test.database.db, { groupBy, from, to, filter });
      expect(stats, groupBy.join('+')).toEqual(expected(groupBy));
    }
    expect(
      await signalStats(test.database.db, { groupBy: ['SYMBOL'], from, to, filter: { ...filter, shadow: true } }),
    ).toEqual(expected(['SYMBOL'], true));
    const open = await signalStats(test.database.db, { groupBy: [], filter });
    expect(open).toEqual([expect.objectContaining({ count: all.filter((s) => !s.shadow).length })]);
    expect(
      await signalStats(test.database.db, {
        groupBy: [],
        from: BASE + 2_000 * MINUTE,
        to: BASE + 2_001 * MINUTE,
        filter,
      }),
    ).toEqual([]);
    const xrp = await signalStats(test.database.db, {
      groupBy: ['ACTION'],
      from,
      to,
      filter: { ...filter, symbols: ['XRPETH'] },
    });
    const wanted = all.filter((s) => !s.shadow && s.symbol === 'XRPETH' && s.timestamp >= from && s.timestamp < to);
    expect(xrp.map((g) => [g.action, g.count])).toEqual(
      (['BUY', 'SELL'] as const)
        .map((action) => [action, wanted.filter((s) => s.action === action).length])
        .filter(([, n]) => n !== 0),
    );
  });
});
