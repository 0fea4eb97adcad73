import { createMemoryPubSub } from '@alphintra/bus';
import { backtestChannel, type StrategyDocument } from '@alphintra/core';
import { cancelBacktest, createBacktest, type Database, openDatabase, schema } from '@alphintra/db';
import type { PubSubEngine } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { Subscription } from './resolvers/Subscription.ts';

describe('Subscription.backtestProgress', () => {
  let database: Database;
  let strategyId = '';

  beforeAll(async () => {
    database = await openDatabase({});
    const [row] = await database.db
      .insert(schema.strategies)
      .values({ name: 'progress-owner' })
      .returning({ id: schema.strategies.id });
    strategyId = row?.id ?? '';
  });
  afterAll(async () => {
    await database?.close();
  });

  it('ends with the job even when the message that it ended never reaches the subscription', async () => {
    const job = await createBacktest(
      database.db,
      {
        owner: 'root',
        strategyId,
        strategyVersion: 1,
        strategyName: 'progress-owner',
        strategySource: 'NO_CODE',
        interval: '1m',
        document: {} as StrategyDocument,
        symbols: ['XRPETH'],
        from: new Date(Date.UTC(2024, 0, 1)),
        to: new Date(Date.UTC(2024, 0, 2)),
        feeBps: 0,
        slippageBps: 0,
      },
      3,
    );
    // The message was published before the pub/sub had subscribed (Redis subscribes only once its server answers):
    // this subscription's channel never gets it.
    const pubsub = createMemoryPubSub();
    const subscribed: string[] = [];
    const deaf: PubSubEngine = Object.assign(Object.create(pubsub) as PubSubEngine, {
      asyncIterableIterator: <T>(channel: string) => {
        subscribed.push(channel);
        return pubsub.asyncIterableIterator<T>(`${channel}:never-published`);
      },
    });
    const ctx = createContext({ db: database.db, pubsub: deaf }, { sub: 'root', role: 'admin' });
    const subscribe = (Subscription.backtestProgress as unknown as { subscribe: unknown }).subscribe as (
      parent: unknown,
      args: { id: string },
      context: typeof ctx,
    ) => Promise<AsyncIterator<{ status: string }>>;
    const events = await subscribe({}, { id: job.id }, ctx);
    expect(subscribed).toEqual([backtestChannel(job.id)]);
    expect((await events.next()).value).toMatchObject({ status: 'QUEUED' });
    await cancelBacktest(database.db, job.id, new Date());
    const started = Date.now();
    expect((await events.next()).value).toMatchObject({ status: 'CANCELLED' });
    // Read again within its recheck interval (a second) of the change.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect((await events.next()).done).toBe(true);
    await pubsub.close();
  }, 10_000);
});
