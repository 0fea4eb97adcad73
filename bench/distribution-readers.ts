/**
 * The distribution bench's readers, in a process of their own as a deployment's consumers are: a Kafka consumer
 * group on `trading.signals`, a Redis subscriber on the signal channel and, when asked, a GraphQL subscriber through
 * an API process's gateway (the typed client's `LiveSignals`). Started by `bench/distribution.ts` with an IPC
 * channel (structured-clone serialization); never run by hand.
 *
 * Environment: `KAFKA_BROKERS`, `KAFKA_TOPIC_PREFIX`, `READER_GROUP_ID`, `REDIS_URL`, `REDIS_CHANNEL_PREFIX`.
 *
 * It records when each signal the bench expects first reaches each reader, as wall-clock milliseconds
 * (`performance.timeOrigin + performance.now()`, the clock the bench stamps hand-overs with), and reports how many
 * have arrived every 50 ms. Signals it was not told to expect (probes, a previous run's) are only counted as seen.
 */

import { TOPICS } from '@alphintra/bus';
import { KafkaEventBus } from '@alphintra/bus/kafka';
import { createRedisPubSub } from '@alphintra/bus/redis';
import { AlphintraClient, LiveSignalsDocument } from '@alphintra/client';
import { SIGNALS_CHANNEL, signalsOfMessage } from '@alphintra/core';
import { wallClock } from './readers-process.ts';

/** The readers, in the order of every per-reader array below. */
export const READERS = ['kafka', 'pubsub', 'gateway'] as const;
export type Reader = (typeof READERS)[number];

/** What the bench asks. Each request is answered with a message of the same `type` once done. */
export type ReadersRequest =
  | { readonly type: 'expect'; readonly ids: readonly string[] }
  | { readonly type: 'gateway'; readonly url: string; readonly symbol: string; readonly token?: string }
  | { readonly type: 'stopGateway' }
  | { readonly type: 'receipts' }
  | { readonly type: 'close' };

/** What the readers send: answers, and progress every 50 ms. */
export type ReadersMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'expect' | 'gateway' | 'stopGateway' | 'close' }
  /** First receipt time of each expected id, in `expect` order, per reader (NaN: not received). */
  | { readonly type: 'receipts'; readonly times: Record<Reader, Float64Array> }
  | {
      readonly type: 'progress';
      /** Expected ids received, per reader. */
      readonly received: Record<Reader, number>;
      /** Any message received at all (probes included), per reader. */
      readonly seen: Record<Reader, number>;
      /** Wall-clock time of the last expected id received, per reader (0: none). */
      readonly last: Record<Reader, number>;
    };

const byReader = <T>(make: () => T): Record<Reader, T> => ({ kafka: make(), pubsub: make(), gateway: make() });

async function main(): Promise<void> {
  const send = (message: ReadersMessage): void => {
    if (process.connected) process.send?.(message);
  };
  // The bench is gone (it ended, or failed): so is the reason to read.
  process.once('disconnect', () => process.exit(0));
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',');
  const redisUrl = process.env['REDIS_URL'] ?? '';
  const channelPrefix = process.env['REDIS_CHANNEL_PREFIX'] ?? '';
  const groupId = process.env['READER_GROUP_ID'] ?? '';
  const topicPrefix = process.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const quiet = { warn: () => {}, error: () => {} };

  let expected = new Map<string, number>();
  let times = byReader(() => new Float64Array(0));
  let received = byReader(() => 0);
  let last = byReader(() => 0);
  const seen = byReader(() => 0);
  const receive = (reader: Reader, id: string, at: number): void => {
    seen[reader]++;
    const index = expected.get(id);
    if (index === undefined) return;
    const readerTimes = times[reader];
    if (!Number.isNaN(readerTimes[index] as number)) return;
    readerTimes[index] = at;
    received[reader]++;
    last[reader] = at;
  };

  const bus = new KafkaEventBus({ brokers, clientId: 'bench-readers', logger: quiet, topicPrefix });
  const consumer = await bus.consume({
    groupId,
    topics: [TOPICS.signals],
    handler: (message) => receive('kafka', message.headers['signal-id'] ?? '', wallClock()),
  });
  const listener = createRedisPubSub({ url: redisUrl, channelPrefix, logger: quiet });
  await listener.subscribe(
    SIGNALS_CHANNEL,
    (message: { id: string } | { id: string }[]) => {
      const at = wallClock();
      for (const payload of signalsOfMessage(message)) receive('pubsub', payload.id, at);
    },
    {},
  );

  let gateway: { stop: () => Promise<void> } | null = null;
  const startGateway = (url: string, symbol: string, token: string | undefined) => {
    const client = new AlphintraClient({ url, ...(token === undefined ? {} : { token }) });
    const events = client.subscribe(LiveSignalsDocument, { filter: { symbols: [symbol] } });
    const reading = (async () => {
      for await (const event of events) receive('gateway', event.signals.id, wallClock());
    })();
    return {
      stop: async () => {
        await events.return?.();
        await reading.catch(() => {});
        await client.close().catch(() => {});
      },
    };
  };

  const progress = setInterval(() => send({ type: 'progress', received, seen, last }), 50);
  process.on('message', (request: ReadersRequest) => {
    void (async () => {
      switch (request.type) {
        case 'expect':
          expected = new Map(request.ids.map((id, index) => [id, index]));
          times = byReader(() => new Float64Array(request.ids.length).fill(Number.NaN));
          received = byReader(() => 0);
          last = byReader(() => 0);
          break;
        case 'gateway':
          gateway = startGateway(request.url, request.symbol, request.token);
          break;
        case 'stopGateway':
          await gateway?.stop();
          gateway = null;
          break;
        case 'receipts':
          send({ type: 'receipts', times });
          return;
        case 'close':
          clearInterval(progress);
          await gateway?.stop();
          await consumer.close();
          await bus.close();
          await listener.close();
          break;
      }
      send({ type: request.type });
    })();
  });
  send({ type: 'ready' });
}

if (process.send !== undefined) await main();
