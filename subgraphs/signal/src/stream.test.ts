import { createMemoryPubSub } from '@alphintra/bus';
import { SIGNALS_CHANNEL, type Signal, signalId } from '@alphintra/core';
import { type Database, insertSignals, openDatabase, readOutbox, type StoredSignal, schema } from '@alphintra/db';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumePoint, signalStream } from './stream.ts';

const BASE = Date.UTC(2022, 0, 1);
const MINUTE = 60_000;

function signalOf(strategyId: string, minute: number, symbol = 'XRPETH'): Signal {
  const time = BASE + minute * MINUTE;
  return {
    id: signalId(strategyId, 1, symbol, time),
    timestamp: time,
    strategyId,
    strategyName: 'owner',
    strategyVersion: 1,
    strategySource: 'NO_CODE',
    symbol,
    action: 'BUY',
    confidence: 0.5,
    quantity: null,
    priceTarget: '0.0015',
    stopLoss: '0.0014',
    takeProfit: '0.0016',
    riskScore: 0.3,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    explanation: { rule: 'r', indicators: [] },
    expiresAt: time + MINUTE,
    shadow: false,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1,
    latencyMs: null,
  };
}

describe('the signal stream of a subscription', () => {
  let database: Database;
  let owner: string;
  let nextMinute = 0;

  beforeAll(async () => {
    database = await openDatabase({});
    const [row] = await database.db
      .insert(schema.strategies)
      .values({ name: 'stream-owner' })
      .returning({ id: schema.strategies.id });
    owner = row?.id ?? '';
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Stores `n` signals (in one commit each) and returns them as the outbox holds them, with their sequences. */
  async function store(n: number, symbol = 'XRPETH'): Promise<StoredSignal[]> {
    const written: Signal[] = [];
    for (let i = 0; i < n; i++) {
      const signal = signalOf(owner, nextMinute++, symbol);
      await insertSignals(database.db, [signal]);
      written.push(signal);
    }
    const outbox = await readOutbox(database.db, { afterSeq: 0, limit: 10_000 });
    return written.map((s) => outbox.find((o) => o.id === s.id) as StoredSignal);
  }

  it('sends the stored signals after the point, then the buffer and live ones, with no gap and no duplicate', async () => {
    const pubsub = createMemoryPubSub();
    const [since, ...stored] = await store(5);
    const stream = signalStream({
      db: database.db,
      pubsub,
      filter: { symbols: ['XRPETH'] },
      afterSeq: since?.seq ?? 0,
      pageSize: 2,
    });
    const received: StoredSignal[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const next = await stream.next();
        if (next.done) throw new Error('the stream ended');
        received.push(next.value as StoredSignal);
      }
    };
    await take(1);
    // While the stream is still reading the database: new signals are committed, and the relay publishes what the
    // subscriber will also read from the database, a signal of another symbol, and a redelivery.
    const more = await store(2);
    const other = await store(1, 'ETHBTC');
    for (const signal of [...stored.slice(2), ...more, ...other, more[0] as StoredSignal]) {
      await pubsub.publish(SIGNALS_CHANNEL, signal);
    }
    await take(stored.length + more.length - 1);
    const live = await store(1);
    for (const signal of [more[1] as StoredSignal, live[0] as StoredSignal])
      await pubsub.publish(SIGNALS_CHANNEL, signal);
    await take(1);
    expect(received.map((s) => [s.id, s.seq])).toEqual([...stored, ...more, ...live].map((s) => [s.id, s.seq]));
    expect(received[0]).toEqual(stored[0]);
    await stream.return?.();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    await pubsub.close();
  });

  it('without a point, passes live signals only, in order, and an unsequenced one as it comes', async () => {
    const pubsub = createMemoryPubSub();
    await store(2);
    const stream = signalStream({ db: database.db, pubsub, filter: {}, afterSeq: null });
    const first = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [a, b] = await store(2);
    const probe = signalOf(owner, 1_000_000);
    for (const signal of [a, probe, a, b] as Signal[]) await pubsub.publish(SIGNALS_CHANNEL, signal);
    const seen = [(await first).value, (await stream.next()).value, (await stream.next()).value];
    expect(seen.map((s) => s?.id)).toEqual([a?.id, probe.id, b?.id]);
    await stream.return?.();
    await pubsub.close();
  });

  it('finds where `since` starts: after an id, before the first signal at or after a time', async () => {
    const [x, y] = await store(2);
    expect(await resumePoint(database.db, x?.id ?? '')).toBe(x?.seq);
    expect(await resumePoint(database.db, new Date(y?.timestamp ?? 0).toISOString())).toBe((y?.seq ?? 0) - 1);
    expect(await resumePoint(database.db, '2999-01-01T00:00:00Z')).toBe(y?.seq);
    for (const bad of ['6f1c2c5e-0000-4000-8000-000000000000', 'yesterday', '2022-13-45T00:00:00Z', '']) {
      const error = await resumePoint(database.db, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'since' });
    }
  });
});
