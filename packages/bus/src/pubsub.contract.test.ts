import { serviceUrl, startTlsRedis, uniqueSuffix } from '@alphintra/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ClosablePubSub, createMemoryPubSub } from './pubsub.ts';
import { createRedisPubSub } from './redis.ts';

const redisUrl = serviceUrl('REDIS_URL');

/** Collects what a subscriber is given; `received(n)` resolves once n payloads have arrived. */
function inbox() {
  const items: unknown[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  return {
    items,
    push: (payload: unknown) => {
      items.push(payload);
      for (const waiter of waiting.filter((entry) => items.length >= entry.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    received: (count: number) =>
      new Promise<void>((resolve) => {
        if (items.length >= count) resolve();
        else waiting.push({ count, resolve });
      }),
  };
}

function pubSubContract(name: string, create: ((channelPrefix: string) => ClosablePubSub) | undefined) {
  describe.skipIf(!create)(`PubSub contract: ${name}`, () => {
    const opened: ClosablePubSub[] = [];
    /** A pub/sub on its own channel prefix, closed after the test. */
    const pubsub = () => {
      const created = (create as (channelPrefix: string) => ClosablePubSub)(`test.${uniqueSuffix()}.`);
      opened.push(created);
      return created;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((closing) => closing.close()));
    });

    it('delivers a published payload to a subscriber', async () => {
      const engine = pubsub();
      const signals = inbox();
      await engine.subscribe('signals', signals.push, {});
      const payload = {
        signal_id: 'abc',
        price_target: '0.00000001',
        confidence: 0.75,
        metadata: { volatility: null },
      };
      await engine.publish('signals', payload);
      await signals.received(1);

      expect(signals.items).toEqual([payload]);
    });

    it('carries payloads as JSON, so a Date arrives as its ISO string', async () => {
      const engine = pubsub();
      const events = inbox();
      await engine.subscribe('events', events.push, {});
      await engine.publish('events', { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), missing: undefined });
      await events.received(1);

      expect(events.items).toEqual([{ at: '2024-01-02T03:04:05.006Z' }]);
    });

    it('yields payloads through asyncIterableIterator in publish order', async () => {
      const engine = pubsub();
      const iterator = engine.asyncIterableIterator<{ n: number }>('candles');
      const first = iterator.next();
      // The iterator subscribes inside next(); a second subscription to the same channel settles only once
      // that one is in place, so nothing published after it can be missed.
      const barrier = await engine.subscribe('candles', () => {}, {});
      for (let n = 1; n <= 5; n++) await engine.publish('candles', { n });
      const results = [await first];
      for (let n = 2; n <= 5; n++) results.push(await iterator.next());
      const ended = await iterator.return?.();
      engine.unsubscribe(barrier);

      expect(results.map((result) => result.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
      expect(ended).toEqual({ value: undefined, done: true });
    });

    it('stops delivering to a subscription once unsubscribed', async () => {
      const engine = pubsub();
      const before = inbox();
      const id = await engine.subscribe('trades', before.push, {});
      await engine.publish('trades', 1);
      await before.received(1);
      engine.unsubscribe(id);

      const after = inbox();
      await engine.subscribe('trades', after.push, {});
      await engine.publish('trades', 2);
      // The new subscriber getting the payload proves it was delivered after the unsubscribe.
      await after.received(1);

      expect(before.items).toEqual([1]);
      expect(after.items).toEqual([2]);
    });

    it('delivers to every subscriber of a channel and to no other channel', async () => {
      const engine = pubsub();
      const [first, second, elsewhere] = [inbox(), inbox(), inbox()];
      await Promise.all([
        engine.subscribe('signals', first.push, {}),
        engine.subscribe('signals', second.push, {}),
        engine.subscribe('candles', elsewhere.push, {}),
      ]);
      await engine.publish('signals', { n: 1 });
      await Promise.all([first.received(1), second.received(1)]);
      await engine.publish('candles', 'marker');
      await elsewhere.received(1);

      expect(first.items).toEqual([{ n: 1 }]);
      expect(second.items).toEqual([{ n: 1 }]);
      expect(elsewhere.items).toEqual(['marker']);
    });

    it('keeps pub/subs with different channel prefixes apart', async () => {
      const [one, two] = [pubsub(), pubsub()];
      const [toOne, toTwo] = [inbox(), inbox()];
      await one.subscribe('signals', toOne.push, {});
      await two.subscribe('signals', toTwo.push, {});
      await two.publish('signals', 'for-two');
      await toTwo.received(1);
      // Published after the first: had the first leaked across, it would have arrived before this one.
      await one.publish('signals', 'for-one');
      await toOne.received(1);

      expect(toOne.items).toEqual(['for-one']);
      expect(toTwo.items).toEqual(['for-two']);
    });
  });
}

pubSubContract('memory', () => createMemoryPubSub());
pubSubContract('redis', redisUrl ? (channelPrefix) => createRedisPubSub({ url: redisUrl, channelPrefix }) : undefined);

/** A managed Redis: TLS only (a private CA), a password in the `rediss://` URL. Started where Redis is expected. */
const tlsRedis = redisUrl ? await startTlsRedis() : undefined;
afterAll(() => tlsRedis?.stop());
pubSubContract(
  'redis over TLS with a password',
  tlsRedis
    ? (channelPrefix) => createRedisPubSub({ url: tlsRedis.url, tls: { ca: tlsRedis.ca }, channelPrefix })
    : undefined,
);

describe.skipIf(!redisUrl)('createRedisPubSub', () => {
  it('fans out between instances that share a channel prefix, as gateway replicas do', async () => {
    const channelPrefix = `test.${uniqueSuffix()}.`;
    const url = redisUrl as string;
    const [publishing, subscribing] = [
      createRedisPubSub({ url, channelPrefix }),
      createRedisPubSub({ url, channelPrefix }),
    ];
    try {
      const signals = inbox();
      await subscribing.subscribe('signals', signals.push, {});
      await publishing.publish('signals', { signal_id: 'abc' });
      await signals.received(1);

      expect(signals.items).toEqual([{ signal_id: 'abc' }]);
    } finally {
      await Promise.all([publishing.close(), subscribing.close()]);
    }
  });
});
