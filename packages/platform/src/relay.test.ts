import type { Signal } from '@alphintra/core';
import { createStrategy, type Database, insertSignals, openDatabase, type StoredSignal } from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import { syntheticSignal } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './log.ts';
import { type DeliveryChannel, OutboxRelay } from './relay.ts';

const BASE = Date.UTC(2026, 0, 1);

/** A channel that records what it gets and fails while `down` is true. */
function recordingChannel(name: string) {
  const channel = {
    name,
    down: false,
    attempts: 0,
    received: [] as StoredSignal[],
    async deliver(signals: readonly StoredSignal[]) {
      channel.attempts++;
      if (channel.down) throw new Error(`${name} is down`);
      channel.received.push(...signals);
    },
  };
  return channel satisfies DeliveryChannel;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OutboxRelay', () => {
  let database: Database;
  let strategy: { id: string; name: string; version: number; source: 'NO_CODE' };
  let minute = 0;

  /** Stores `n` new signals on alternating symbols, as the distributor does. */
  async function store(n: number): Promise<Signal[]> {
    const batch = Array.from({ length: n }, () => {
      minute++;
      return syntheticSignal(strategy, BASE + minute * 60_000, minute % 2 === 0 ? 'XRPETH' : 'ETHUSDT');
    });
    return insertSignals(database.db, batch);
  }

  beforeAll(async () => {
    database = await openDatabase({});
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy: created } = await createStrategy(database.db, {
      name: 'relay test',
      source: 'NO_CODE',
      symbols: ['XRPETH', 'ETHUSDT'],
      document,
    });
    strategy = { id: created.id, name: created.name, version: created.version, source: 'NO_CODE' };
  });

  afterAll(async () => {
    await database?.close();
  });

  it('starts a new channel after what is stored, then delivers every new signal once, in commit order', async () => {
    await store(3);
    const channel = recordingChannel('fresh');
    const relay = new OutboxRelay({ db: database.db, channel, log: silentLog, pollMs: 20 });
    await relay.start();
    const stored = [...(await store(5)), ...(await store(4))];
    relay.wake();
    await until(() => channel.received.length >= stored.length, 'the new signals');
    await relay.stop();
    expect(channel.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    const seqs = channel.received.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('delivers to a healthy channel while another is down, and to the other once it is back', async () => {
    const healthy = recordingChannel('healthy');
    const broken = recordingChannel('broken');
    broken.down = true;
    const relays = [healthy, broken].map(
      (channel) => new OutboxRelay({ db: database.db, channel, log: silentLog, pollMs: 20 }),
    );
    for (const relay of relays) await relay.start();
    const stored = await store(20);
    for (const relay of relays) relay.wake();
    await until(() => healthy.received.length >= stored.length, 'the healthy channel');
    await until(() => broken.attempts >= 2, 'the broken channel to be retried');
    expect(broken.received).toEqual([]);
    broken.down = false;
    await until(() => broken.received.length >= stored.length, 'the channel that came back');
    for (const relay of relays) await relay.stop();
    expect(broken.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    expect(healthy.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
  });

  it('resumes from its saved cursor after a restart: nothing lost, nothing delivered again', async () => {
    const first = recordingChannel('restarted');
    const relay = new OutboxRelay({ db: database.db, channel: first, log: silentLog, pollMs: 20 });
    await relay.start();
    const before = await store(6);
    relay.wake();
    await until(() => first.received.length >= before.length, 'the first signals');
    await relay.stop();

    // Stored while no relay of this channel runs (its process is down).
    const during = await store(7);
    const second = recordingChannel('restarted');
    const again = new OutboxRelay({ db: database.db, channel: second, log: silentLog, pollMs: 20 });
    await again.start();
    await until(() => second.received.length >= during.length, 'the signals stored while it was down');
    await again.stop();
    expect(second.received.map((s) => s.id)).toEqual(during.map((s) => s.id));
  });

  it('finds a signal whose insert was repeated (a retry after a lost commit reply) and delivers it once', async () => {
    const channel = recordingChannel('retried insert');
    const relay = new OutboxRelay({ db: database.db, channel, log: silentLog, pollMs: 20 });
    await relay.start();
    const [signal] = await store(1);
    if (signal === undefined) throw new Error('nothing stored');
    // The retry finds the row there: nothing new is returned, yet the relay delivers from the record.
    expect(await insertSignals(database.db, [signal])).toEqual([]);
    await until(() => channel.received.length >= 1, 'the signal');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await relay.stop();
    expect(channel.received.map((s) => s.id)).toEqual([signal.id]);
  });
});
