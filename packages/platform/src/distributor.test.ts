import type { Signal } from '@alphintra/core';
import { createStrategy, type Database, getSignals, openDatabase, readOutbox } from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import { syntheticSignal } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalDistributor } from './distributor.ts';
import { silentLog } from './log.ts';

const BASE = Date.UTC(2026, 0, 1);

describe('SignalDistributor', () => {
  let database: Database;
  let strategy: { id: string; name: string; version: number; source: 'NO_CODE' };
  let minute = 0;
  const next = (n: number): Signal[] =>
    Array.from({ length: n }, () => syntheticSignal(strategy, BASE + ++minute * 60_000, 'XRPETH'));

  beforeAll(async () => {
    database = await openDatabase({});
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy: created } = await createStrategy(database.db, {
      name: 'distributor test',
      source: 'NO_CODE',
      symbols: ['XRPETH'],
      document,
    });
    strategy = { id: created.id, name: created.name, version: created.version, source: 'NO_CODE' };
  });

  afterAll(async () => {
    await database.close();
  });

  it('coalesces calls made during an insert into the next one, in call order, each told its own new signals', async () => {
    const distributor = new SignalDistributor({ db: database.db, log: silentLog, maxBatch: 25 });
    const batches = Array.from({ length: 6 }, () => next(10));
    // The third call repeats two signals of the first: they are duplicates, for it alone.
    const third = [...(batches[2] as Signal[]), ...(batches[0] as Signal[]).slice(0, 2)];
    const calls = [batches[0], batches[1], third, batches[3], batches[4], batches[5]] as Signal[][];
    const results = await Promise.all(calls.map((batch) => distributor.distribute(batch)));

    expect(results.map((stored) => stored.map((signal) => signal.id))).toEqual(
      batches.map((batch) => batch.map((signal) => signal.id)),
    );
    // The first call goes alone; the others waited for it and went together, at most 25 signals a commit.
    expect(distributor.stats).toEqual({ stored: 60, duplicates: 2, shadow: 0, commits: 4 });
    const outbox = await readOutbox(database.db, { afterSeq: 0, limit: 1_000 });
    expect(outbox.map((signal) => signal.id)).toEqual(batches.flat().map((signal) => signal.id));
  });

  it('never splits one call, whatever its size', async () => {
    const distributor = new SignalDistributor({ db: database.db, log: silentLog, maxBatch: 5 });
    const batch = next(12);
    const [stored] = await Promise.all([distributor.distribute(batch), distributor.distribute(next(3))]);
    expect(stored).toHaveLength(12);
    expect(distributor.stats.commits).toBe(2);
  });

  it('stores numbers JSON cannot hold (NaN, Infinity) as they were given', async () => {
    const distributor = new SignalDistributor({ db: database.db, log: silentLog });
    const [base] = next(1) as [Signal];
    const odd: Signal = {
      ...base,
      confidence: Number.NaN,
      riskScore: Number.POSITIVE_INFINITY,
      metadata: { ...base.metadata, volatility: Number.NEGATIVE_INFINITY },
    };
    expect(await distributor.distribute([odd])).toHaveLength(1);
    const [stored] = await getSignals(database.db, [odd.id]);
    expect([stored?.confidence, stored?.riskScore, stored?.metadata.volatility]).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
  });
});
