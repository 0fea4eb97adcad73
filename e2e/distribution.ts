import type { Socket } from 'node:net';
import { TOPICS } from '@alphintra/bus';
import { createRedisPubSub } from '@alphintra/bus/redis';
import { SIGNALS_CHANNEL, type StandardSignal, type StrategySpec, signalsOfMessage } from '@alphintra/core';
import { createStrategy, type Db, readOutbox, runningStrategySpecs, type StoredSignal } from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import { TcpProxy } from '@alphintra/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';
import { collect, waitFor } from './support.ts';

/** Creates `count` live strategies on `symbol` from the two default templates, so a replay gives many signals. */
export async function createStrategies(db: Db, symbol: string, count: number): Promise<StrategySpec[]> {
  for (let index = 0; index < count; index++) {
    const template = index % 2 === 0 ? 'ema-crossover' : 'rsi-reversion';
    const found = templateById(template);
    if (found === undefined) throw new Error(`no strategy template "${template}"`);
    await createStrategy(db, {
      name: `${symbol} ${template} ${index}`,
      source: 'NO_CODE',
      symbols: [symbol],
      document: found.document,
      changeNote: 'fault test',
      run: { mode: 'LIVE' },
    });
  }
  return runningStrategySpecs(db);
}

/** The live signals stored, in delivery order (`seq`): what every channel must carry. */
export function storedSignals(db: Db): Promise<StoredSignal[]> {
  return readOutbox(db, { afterSeq: 0, limit: 1_000_000 });
}

/** One record of `trading.signals` as a consumer sees it. */
export interface ConsumedSignal {
  readonly id: string;
  readonly key: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: StandardSignal;
  readonly raw: string;
  readonly headers: Record<string, string>;
}

/**
 * A user's kafkajs consumer of `trading.signals` (or `topic`: `trading.signal-outcomes` records have `signal_id` and
 * `strategy_id` too, read them from `raw`) in its own group, keeping the records of `strategyIds` only (every record
 * with null, for a caller that learns its strategies later): the topic is shared with other runs. Each record (partition, offset) is kept once, so a signal seen twice is a
 * signal written twice. Resolves once the group is joined.
 */
export async function consumeSignals(
  brokers: string,
  groupId: string,
  strategyIds: ReadonlySet<string> | null,
  topic: string = TOPICS.signals,
) {
  // Retries through a broker outage (the fault tests stop the broker), rejoining rather than giving up.
  const kafka = new Kafka({
    clientId: 'e2e-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 1_000, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A fresh broker: create the topic as the platform would, rather than let the subscription auto-create it.
    if (!(await admin.listTopics()).includes(topic)) {
      const numPartitions = topic === TOPICS.signals ? 6 : 3;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions }] });
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const records: ConsumedSignal[] = [];
  // A consumer that rejoins after an outage reads again from its last committed offset: the same record (same
  // partition and offset) read twice is the reader's repeat, not a second copy on the topic, so it is kept once.
  const positions = new Set<string>();
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  // A reader of given strategies reads the topic from its start (older records are other runs', filtered out). A new
  // group commits nothing on a partition until it has read a record there, and kafkajs resolves such a partition
  // again on every rejoin: from the end, it would skip what was produced between the first join and a rejoin after
  // a broker outage (a symbol first seen while the broker was down). A reader of every strategy starts at the end.
  await consumer.subscribe({ topic, fromBeginning: strategyIds !== null });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const position = `${partition}@${message.offset}`;
      if (positions.has(position)) return;
      positions.add(position);
      const raw = message.value?.toString() ?? '';
      const value = JSON.parse(raw) as StandardSignal;
      if (strategyIds !== null && !strategyIds.has(value.strategy_id)) return;
      const headers: Record<string, string> = {};
      for (const [name, header] of Object.entries(message.headers ?? {})) {
        if (header !== undefined) headers[name] = header.toString();
      }
      records.push({
        id: value.signal_id,
        key: message.key?.toString() ?? '',
        partition,
        offset: message.offset,
        value,
        raw,
        headers,
      });
    },
  });
  await joined;
  return { records, stop: () => consumer.disconnect() };
}

/** A subscriber of the signal channel on Redis (through `url`, e.g. a proxy): what the signal subgraph hears. */
export function subscribeSignals(url: string, channelPrefix: string) {
  const pubsub = createRedisPubSub({ url, channelPrefix, logger: { warn: () => {}, error: () => {} } });
  const collected = collect(pubsub.asyncIterableIterator<StoredSignal | StoredSignal[]>(SIGNALS_CHANNEL));
  return {
    /** The signals heard, in order: each message is a relay batch (or one signal, a probe). */
    get items(): StoredSignal[] {
      return collected.items.flatMap((message) => signalsOfMessage(message));
    },
    stop: async () => {
      await collected.stop();
      await pubsub.close();
    },
  };
}

/**
 * Every stored signal exactly once by id, and each symbol's signals in delivery order (`seq`): what each channel
 * must have carried. `received` is in the order the reader got them.
 */
export function expectExactlyOnceInOrder(
  channel: string,
  received: readonly { id: string; symbol: string }[],
  stored: readonly StoredSignal[],
) {
  const ids = received.map((item) => item.id);
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  expect(duplicates, `${channel}: signals received more than once`).toEqual([]);
  expect([...ids].sort(), `${channel}: the stored signals, each once`).toEqual(stored.map((s) => s.id).sort());
  for (const symbol of new Set(stored.map((s) => s.symbol))) {
    expect(
      received.filter((item) => item.symbol === symbol).map((item) => item.id),
      `${channel}: ${symbol} in delivery order`,
    ).toEqual(stored.filter((s) => s.symbol === symbol).map((s) => s.id));
  }
}

/**
 * Waits until every stored signal has been seen on a channel (`seen` gives the ids seen so far); a timeout says how
 * many are missing and the sequences of the first and last of them, so a failed run tells a lost batch from a
 * consumer that stalled.
 */
export async function waitForEvery(channel: string, stored: readonly StoredSignal[], seen: () => Set<string>) {
  try {
    await waitFor(`every signal on ${channel}`, () => seen().size >= stored.length);
  } catch (error) {
    const ids = seen();
    const missing = stored.filter((signal) => !ids.has(signal.id)).map((signal) => signal.seq);
    throw new Error(
      `${(error as Error).message}: ${missing.length} of ${stored.length} missing, sequences ` +
        `${missing.slice(0, 5).join(', ')}${missing.length > 10 ? ' ... ' : ', '}${missing.slice(-5).join(', ')}`,
    );
  }
}

/** Waits until `count()` stops changing between two looks `pauseMs` apart (signals still being stored). */
export async function settled(what: string, count: () => Promise<number>, pauseMs = 500) {
  let last = -1;
  await waitFor(
    what,
    async () => {
      const now = await count();
      const done = now === last;
      last = now;
      if (!done) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      return done;
    },
    120_000,
  );
}

/**
 * A TCP proxy in front of PostgreSQL that reads just enough of the wire protocol to lose one commit reply. Signals
 * are stored by one statement, `select ... from store_signal_columns($1, ...)`, outside any transaction block:
 * PostgreSQL commits it when it processes the Sync that follows, then answers ReadyForQuery. On the first such statement (a simple
 * Query, or the extended protocol's Bind of a statement parsed as it, which is what postgres.js sends), the proxy
 * forwards it, holds the server's reply back, and once the reply holds the statement's CommandComplete and then
 * ReadyForQuery with the status "idle" (committed, no transaction open), cuts both sides of the connection. Only once.
 */
export class CommitCuttingProxy {
  /** Signal commits forwarded to the server whose reply the client never got. */
  cuts = 0;
  /** The server's reply to the cut statement reached ReadyForQuery "idle": its implicit transaction committed. */
  committedOnServer = false;
  #done = false;
  #proxy: TcpProxy | null = null;

  static async start(targetHost: string, targetPort: number): Promise<CommitCuttingProxy> {
    const cutting = new CommitCuttingProxy();
    cutting.#proxy = await TcpProxy.start(targetHost, targetPort, {
      relay: (client, upstream) => cutting.#relay(client, upstream),
    });
    return cutting;
  }

  get port(): number {
    return this.#proxy?.port ?? 0;
  }

  async close(): Promise<void> {
    await this.#proxy?.close();
  }

  #relay(client: Socket, upstream: Socket): void {
    const statements = new Map<string, string>();
    let fromClient = Buffer.alloc(0);
    let startup = true;
    let cutting = false;
    let held = Buffer.alloc(0);

    const storesSignals = (query: string) => /\bstore_signal_columns\(/i.test(query);
    client.on('data', (chunk: Buffer) => {
      fromClient = Buffer.concat([fromClient, chunk]);
      let commitSent = false;
      for (;;) {
        if (startup) {
          // Untyped: length, then the protocol code (an SSL or GSS request comes before the startup message).
          if (fromClient.length < 8) break;
          const length = fromClient.readInt32BE(0);
          if (fromClient.length < length) break;
          const code = fromClient.readInt32BE(4);
          fromClient = fromClient.subarray(length);
          if (code === 196_608) startup = false;
          continue;
        }
        if (fromClient.length < 5) break;
        const type = String.fromCharCode(fromClient[0] as number);
        const length = fromClient.readInt32BE(1);
        if (fromClient.length < length + 1) break;
        const body = fromClient.subarray(5, length + 1);
        fromClient = fromClient.subarray(length + 1);
        const strings = body.toString('utf8').split('\0');
        if (type === 'Q') {
          if (storesSignals(strings[0] ?? '')) commitSent = true;
        } else if (type === 'P') {
          const [name = '', query = ''] = strings;
          statements.set(name, query);
        } else if (type === 'B') {
          const [, statement = ''] = strings;
          if (storesSignals(statements.get(statement) ?? '')) commitSent = true;
        }
      }
      upstream.write(chunk);
      if (commitSent && !this.#done) {
        this.#done = true;
        cutting = true;
        this.cuts++;
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) {
        client.write(chunk);
        return;
      }
      held = Buffer.concat([held, chunk]);
      // The held messages: CommandComplete ('C') of the statement, then ReadyForQuery ('Z') with status 'I'.
      let completed = false;
      for (let at = 0; at + 5 <= held.length; ) {
        const type = String.fromCharCode(held[at] as number);
        const length = held.readInt32BE(at + 1);
        if (at + 1 + length > held.length) break;
        if (type === 'C') completed = true;
        if (type === 'Z' && completed && held[at + 5] === 'I'.charCodeAt(0)) {
          this.committedOnServer = true;
          client.destroy();
          upstream.destroy();
          return;
        }
        at += 1 + length;
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
