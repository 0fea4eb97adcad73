import type { Signal } from '@alphintra/core';
import {
  createStrategy,
  type Database,
  insertSignals,
  loadDeliveryCursor,
  openDatabase,
  readOutbox,
  type StoredSignal,
  storeSignals,
} from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import { syntheticSignal } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './log.ts';
import { CursorWriter, type DeliveryChannel, OutboxReader, OutboxRelay } from './relay.ts';

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

/** A signal outbox reader that counts every read asked of it, answered from memory or not. */
function countingReader(db: Database['db']) {
  const inner = new OutboxReader(db);
  const reader = {
    calls: 0,
    read: (afterSeq: number, limit: number) => {
      reader.calls++;
      return inner.read(afterSeq, limit);
    },
    latest: () => inner.latest(),
  };
  return reader;
}

/**
 * Reads on from `afterSeq` as a relay does, until `limit` signals or an empty answer: an answer may stop early at the
 * newest batch the process stored, the rest coming with the next read.
 */
async function readOn(reader: OutboxReader, afterSeq: number, limit: number): Promise<StoredSignal[]> {
  const answered: StoredSignal[] = [];
  for (let at = afterSeq; answered.length < limit; ) {
    const part = await reader.read(at, limit - answered.length);
    if (part.length === 0) break;
    answered.push(...part);
    at = (part.at(-1) as StoredSignal).seq;
  }
  return answered;
}

/** The database, counting its `execute` calls (a relay's cursor writes, when it reads through a reader). */
function countingExecutes(db: Database['db']) {
  let count = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'execute' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count++;
        return value.apply(target, args);
      };
    },
  });
  return { db: counted, executes: () => count };
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

  it('shares one read of each batch among the relays of a process, and delivers to each what it would alone', async () => {
    const channels = ['shared 1', 'shared 2', 'shared 3'].map(recordingChannel);
    const reader = new OutboxReader(database.db);
    const relays = channels.map(
      (channel) => new OutboxRelay({ db: database.db, channel, reader, log: silentLog, pollMs: 20, batchSize: 10 }),
    );
    for (const relay of relays) await relay.start();
    const before = reader.reads;
    const stored: Signal[] = [];
    for (let round = 0; round < 5; round++) {
      stored.push(...(await store(30)));
      for (const relay of relays) relay.wake();
      await until(() => channels.every((c) => c.received.length >= stored.length), 'every channel');
    }
    for (const relay of relays) await relay.stop();
    for (const channel of channels) expect(channel.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    // 150 signals in batches of 10 is at least 15 reads; three relays reading alone would make at least 45.
    expect(reader.reads - before).toBeLessThan(45);
  });
  it('reads the outbox once per wake when it caught up, not again to find it empty', async () => {
    const channel = recordingChannel('one read per wake');
    const reader = countingReader(database.db);
    // No poll within the test: every read is the start's or a wake's.
    const relay = new OutboxRelay({ db: database.db, channel, reader, log: silentLog, pollMs: 60_000 });
    await relay.start();
    await until(() => reader.calls === 1, 'the first read');
    const stored: Signal[] = [];
    for (let round = 0; round < 5; round++) {
      stored.push(...(await store(3)));
      relay.wake();
      await until(() => channel.received.length >= stored.length, 'the batch');
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await relay.stop();
    expect(channel.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    // The start's read, then one per wake: a batch shorter than `batchSize` was all there was.
    expect(reader.calls).toBe(1 + 5);
  });

  it('with gatherMs, reads once caught up only after that long, taking in one batch what the wakes announced', async () => {
    const channel = recordingChannel('gathering');
    const reader = countingReader(database.db);
    const batches: number[] = [];
    const relay = new OutboxRelay({
      db: database.db,
      channel,
      reader,
      log: silentLog,
      pollMs: 60_000,
      gatherMs: 2_000,
      onDelivered: (signals) => batches.push(signals.length),
    });
    await relay.start();
    await until(() => reader.calls === 1, 'the first read');
    const stored = await store(3);
    relay.wake();
    await until(() => channel.received.length === 3, 'the first batch');
    // Four more batches stored and announced while the relay gathers: one read takes them all.
    for (let round = 0; round < 4; round++) {
      stored.push(...(await store(3)));
      relay.wake();
    }
    await until(() => channel.received.length === stored.length, 'the gathered batches');
    await relay.stop();
    expect(channel.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
    expect(batches).toEqual([3, 12]);
    expect(reader.calls).toBe(3);
  });

  it('writes its cursor at most once per cursorWriteMs however often it delivers, and the newest one on stop', async () => {
    const channel = recordingChannel('spaced cursor');
    // The relay's own database use is its cursor (it reads the outbox through `reader`): count the writes.
    const { db, executes } = countingExecutes(database.db);
    const reader = new OutboxReader(database.db);
    const relay = new OutboxRelay({ db, channel, reader, log: silentLog, pollMs: 60_000, cursorWriteMs: 250 });
    await relay.start();
    const writesAtStart = executes();
    const started = performance.now();
    const stored: Signal[] = [];
    for (let round = 0; round < 20; round++) {
      stored.push(...(await store(1)));
      relay.wake();
      await until(() => channel.received.length >= stored.length, 'the batch');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = performance.now() - started;
    await relay.stop();
    // 20 deliveries: one write at the first, then at most one per 250 ms of the run, and the last one on stop.
    expect(executes() - writesAtStart).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 250));
    expect(executes() - writesAtStart).toBeLessThan(20);
    expect(await loadDeliveryCursor(database.db, channel.name)).toBe(channel.received.at(-1)?.seq);
  });

  it('shares one cursor writer among relays: one write carries every cursor, the newest of each on stop', async () => {
    const channels = [recordingChannel('shared cursor a'), recordingChannel('shared cursor b')];
    const { db, executes } = countingExecutes(database.db);
    const cursors = new CursorWriter({ db, log: silentLog, intervalMs: 200 });
    const reader = new OutboxReader(database.db);
    const relays = channels.map(
      (channel) => new OutboxRelay({ db: database.db, channel, reader, cursors, log: silentLog, pollMs: 60_000 }),
    );
    for (const relay of relays) await relay.start();
    const started = performance.now();
    const stored: Signal[] = [];
    for (let round = 0; round < 20; round++) {
      stored.push(...(await store(1)));
      for (const relay of relays) relay.wake();
      await until(() => channels.every((channel) => channel.received.length >= stored.length), 'the batch');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = performance.now() - started;
    for (const relay of relays) await relay.stop();
    // 40 deliveries (20 per relay): one write at the first, then at most one per 200 ms for both, and one on stop.
    expect(executes()).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 200));
    for (const channel of channels) {
      expect(channel.received.map((s) => s.id)).toEqual(stored.map((s) => s.id));
      expect(await loadDeliveryCursor(database.db, channel.name)).toBe(channel.received.at(-1)?.seq);
    }
  });
});

describe('OutboxReader', () => {
  let database: Database;
  let strategy: { id: string; name: string; version: number; source: 'NO_CODE' };

  beforeAll(async () => {
    database = await openDatabase({});
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy: created } = await createStrategy(database.db, {
      name: 'reader test',
      source: 'NO_CODE',
      symbols: ['XRPETH'],
      document,
    });
    strategy = { id: created.id, name: created.name, version: created.version, source: 'NO_CODE' };
  });

  afterAll(async () => {
    await database?.close();
  });

  /** Batches of the test strategy's signals, one minute apart from `start` on; every `shadowEvery`th a shadow. */
  const batchesFrom = (start: number, shadowEvery = 0) => {
    let minute = start;
    return (n: number): Signal[] =>
      Array.from({ length: n }, () => {
        minute++;
        return {
          ...syntheticSignal(strategy, BASE + minute * 60_000),
          shadow: shadowEvery > 0 && minute % shadowEvery === 0,
        };
      });
  };

  it('keeps its window on the newest signals when a reader behind it reads', async () => {
    const next = batchesFrom(10_000);
    const batch = () => next(10);
    await insertSignals(database.db, batch());
    const start = (await readOutbox(database.db, { afterSeq: 0, limit: 100_000 })).at(-1)?.seq ?? 0;
    await insertSignals(database.db, batch());
    await insertSignals(database.db, batch());
    const reader = new OutboxReader(database.db, { windowSize: 1_000 });
    // The readers at the head read the newest signals: one database read, kept.
    const head = await reader.read(start, 20);
    expect(head).toHaveLength(20);
    const reads = reader.reads;
    // A reader far behind reads from the database...
    expect((await reader.read(0, 5)).map((s) => s.seq)).toEqual(
      (await readOutbox(database.db, { afterSeq: 0, limit: 5 })).map((s) => s.seq),
    );
    expect(reader.reads).toBe(reads + 1);
    // ...and the readers at the head are still answered from memory.
    expect((await reader.read(start + 5, 10)).map((s) => s.seq)).toEqual(head.slice(5, 15).map((s) => s.seq));
    expect(reader.reads).toBe(reads + 1);
  });

  it('takes the batches stored in its process from memory, and reads only what another process stored', async () => {
    const batch = batchesFrom(50_000, 5);
    const reader = new OutboxReader(database.db);
    const start = (await storeSignals(database.db, batch(3))).signals.at(-1)?.seq ?? 0;
    // Batches this process stores, handed to the reader as the distributor does: no read of the database.
    const readsBefore = reader.reads;
    const ours = [];
    for (let round = 0; round < 5; round++) {
      const stored = await storeSignals(database.db, batch(4));
      reader.stored(stored);
      ours.push(...stored.signals);
    }
    const live = (signals: readonly StoredSignal[]) => signals.filter((s) => !s.shadow);
    expect(await reader.read(start, 100)).toEqual(live(ours));
    expect(await reader.read(ours[6]?.seq ?? 0, 3)).toEqual(live(ours.slice(7)).slice(0, 3));
    expect(reader.reads).toBe(readsBefore);
    // Another process stores (no hand-over), then this one again: the gap is read from the database, once.
    const theirs = await storeSignals(database.db, batch(6));
    const after = await storeSignals(database.db, batch(4));
    reader.stored(after);
    const last = ours.at(-1)?.seq ?? 0;
    expect(await reader.read(last, 100)).toEqual(
      await readOutbox(database.db, { afterSeq: last, limit: 100 }).then((rows) => live(rows)),
    );
    expect(reader.reads).toBe(readsBefore + 1);
    expect(await reader.read(theirs.signals.at(-1)?.seq ?? 0, 100)).toEqual(live(after.signals));
    expect(reader.reads).toBe(readsBefore + 1);
  });

  it('keeps for a follower behind the others what it has still to read, up to maxWindow', async () => {
    const batch = batchesFrom(90_000);
    const reader = new OutboxReader(database.db, { windowSize: 10, maxWindow: 60 });
    const fast = reader.follower();
    const slow = reader.follower();
    const first = await storeSignals(database.db, batch(5));
    reader.stored(first);
    const start = first.afterSeq;
    expect(await slow.read(start, 5)).toEqual(first.signals);
    const stored = [...first.signals];
    // 50 more stored and read by the fast follower at once; the slow one stays after the first five.
    for (let round = 0; round < 10; round++) {
      const more = await storeSignals(database.db, batch(5));
      reader.stored(more);
      stored.push(...more.signals);
      expect(await fast.read(more.afterSeq, 100)).toEqual(more.signals);
    }
    const readsBefore = reader.reads;
    // 55 signals held, more than five times `windowSize`: the slow follower reads all of them from memory.
    expect(reader.held).toBe(55);
    const afterFirst = first.signals.at(-1)?.seq ?? 0;
    expect(await slow.read(afterFirst, 100)).toEqual(stored.slice(5));
    expect(reader.reads).toBe(readsBefore);
    // Its place is where it read from: the next batch lets go of the five before it, no more.
    const lastSeq = (stored.at(-1) as StoredSignal).seq;
    const next = await storeSignals(database.db, batch(5));
    reader.stored(next);
    expect(reader.held).toBe(55);
    // Both read on past the fifty: they go, but for the newest `windowSize`.
    expect(await slow.read(lastSeq, 100)).toEqual(next.signals);
    expect(await fast.read(lastSeq, 100)).toEqual(next.signals);
    reader.stored(await storeSignals(database.db, batch(5)));
    expect(reader.held).toBe(10);
    expect(reader.reads).toBe(readsBefore);
    // A follower more than `maxWindow` behind reads the database: the same answer.
    const far = reader.follower();
    expect(await far.read(start, 1)).toEqual(await readOutbox(database.db, { afterSeq: start, limit: 1 }));
    for (let round = 0; round < 20; round++) {
      const next = await storeSignals(database.db, batch(5));
      reader.stored(next);
    }
    expect(reader.held).toBeLessThanOrEqual(60);
    const readsAtFar = reader.reads;
    expect(await far.read(start, 5)).toEqual(await readOutbox(database.db, { afterSeq: start, limit: 5 }));
    expect(reader.reads).toBe(readsAtFar + 1);
  });

  it('keeps its window when a read sent before a hand-over comes back after it', async () => {
    const batch = batchesFrom(130_000);
    const reader = new OutboxReader(database.db);
    const fast = reader.follower();
    const slow = reader.follower();
    const first = await storeSignals(database.db, batch(5));
    reader.stored(first);
    expect(await slow.read(first.afterSeq, 2)).toEqual(first.signals.slice(0, 2));
    // The next batch is committed; before the distributor hands it over, the fast follower (at the window's end)
    // reads the database and finds it there. The hand-over comes while that read is on its way back.
    const second = await storeSignals(database.db, batch(5));
    const reading = fast.read((first.signals.at(-1) as StoredSignal).seq, 100);
    reader.stored(second);
    expect(await reading).toEqual(second.signals);
    // The window still holds both batches: the slow follower reads on from memory.
    const readsBefore = reader.reads;
    expect(reader.held).toBe(10);
    expect(await slow.read((first.signals[1] as StoredSignal).seq, 100)).toEqual([
      ...first.signals.slice(2),
      ...second.signals,
    ]);
    expect(reader.reads).toBe(readsBefore);
  });

  it('waits at the end of its window for a batch its process is committing, rather than read it back', async () => {
    const batch = batchesFrom(140_000);
    const reader = new OutboxReader(database.db, { handOverWaitMs: 10_000 });
    const first = await storeSignals(database.db, batch(5));
    reader.stored(first);
    const end = (first.signals.at(-1) as StoredSignal).seq;
    // The distributor starts the next insert; it commits, and a relay at the window's end reads before the
    // hand-over: it waits for the batch instead of reading it back.
    reader.storing();
    const second = await storeSignals(database.db, batch(5));
    const readsBefore = reader.reads;
    let answered = false;
    const reading = reader.read(end, 100).then((rows) => {
      answered = true;
      return rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    reader.stored(second);
    expect(await reading).toEqual(second.signals);
    expect(reader.reads).toBe(readsBefore);
    // Nothing is being committed: a read at the end reads the database (another process may have stored).
    expect(await reader.read((second.signals.at(-1) as StoredSignal).seq, 100)).toEqual([]);
    expect(reader.reads).toBe(readsBefore + 1);
  });

  it('reads the database at the end of its window when a hand-over is late, or another process stored', async () => {
    const batch = batchesFrom(150_000);
    const reader = new OutboxReader(database.db, { handOverWaitMs: 20 });
    const first = await storeSignals(database.db, batch(5));
    reader.stored(first);
    // A commit announced and not handed over within the bound (a slow commit, or one given up on stop).
    reader.storing();
    const other = await storeSignals(database.db, batch(3));
    const readsBefore = reader.reads;
    expect(await reader.read((first.signals.at(-1) as StoredSignal).seq, 100)).toEqual(other.signals);
    expect(reader.reads).toBe(readsBefore + 1);
    // A hand-over after another process's batch: the gap is read from the database, the batch from memory.
    const gap = await storeSignals(database.db, batch(2));
    reader.storing();
    const mine = await storeSignals(database.db, batch(4));
    reader.stored(mine);
    expect(await readOn(reader, (other.signals.at(-1) as StoredSignal).seq, 100)).toEqual([
      ...gap.signals,
      ...mine.signals,
    ]);
  });

  it('answers every read as the database does, from its window or not, fed or read, shadow signals left out', async () => {
    const next = batchesFrom(0, 7);
    const reader = new OutboxReader(database.db, { windowSize: 25 });
    // A fixed pseudo-random walk of reads (positions behind, at and past the window) between inserts.
    let state = 7;
    const random = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    for (let round = 0; round < 40; round++) {
      const batch = next(1 + random(12));
      // Two in three batches stored by this process (handed to the reader), the others by another process.
      const stored = await storeSignals(database.db, batch);
      if (random(3) > 0) reader.stored(stored);
      const all = await readOutbox(database.db, { afterSeq: 0, limit: 10_000 });
      const newest = all.at(-1)?.seq ?? 0;
      for (let probe = 0; probe < 4; probe++) {
        const afterSeq = random(newest + 2);
        const limit = 1 + random(15);
        const expected = all.filter((s) => s.seq > afterSeq).slice(0, limit);
        // An answer may stop early at the newest batch this process stored (the rest comes with the next read, as
        // a relay reads on): read on until the limit or an empty answer, and it is what the database answers.
        const answered = await readOn(reader, afterSeq, limit);
        expect(answered.map((s) => s.seq)).toEqual(expected.map((s) => s.seq));
      }
    }
  });
});
