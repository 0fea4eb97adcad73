import { EventEmitter } from 'node:events';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';

/** A GraphQL-subscription pub/sub engine that can be shut down with the process. */
export type ClosablePubSub = PubSubEngine & {
  close(): Promise<void>;
  /** Resolves when the server answers (Redis: PING); absent when it is in-process. */
  ping?(): Promise<void>;
};

/**
 * In-process pub/sub (graphql-subscriptions' `PubSub`). Payloads make a JSON round trip, as they do through
 * Redis, so a subscriber sees the same shapes (a `Date` arrives as its ISO string) whichever engine runs.
 */
class MemoryPubSub extends PubSub {
  override publish(triggerName: string, payload: unknown): Promise<void> {
    return super.publish(triggerName, payload === undefined ? undefined : JSON.parse(JSON.stringify(payload)));
  }

  async close(): Promise<void> {
    this.ee.removeAllListeners();
  }
}

/** Creates the in-process pub/sub used when `REDIS_URL` is unset. */
export function createMemoryPubSub(): ClosablePubSub {
  const eventEmitter = new EventEmitter();
  // Every subscription is a listener on its trigger: many subscribers to one trigger are normal here.
  eventEmitter.setMaxListeners(0);
  return new MemoryPubSub({ eventEmitter });
}
