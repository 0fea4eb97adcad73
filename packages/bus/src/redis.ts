import type { ConnectionOptions } from 'node:tls';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSubEngine } from 'graphql-subscriptions';
import { Redis, type RedisOptions } from 'ioredis';
import type { ClosablePubSub } from './pubsub.ts';
import type { BusLogger } from './types.ts';

/** Options of {@link createRedisPubSub}. */
export interface RedisPubSubOptions {
  /** A `redis://` or `rediss://` URL (TLS), with `user:password@` when the server requires it. */
  readonly url: string;
  /** TLS options for a `rediss://` URL beyond the system's CAs, e.g. `{ ca }` of a private CA. */
  readonly tls?: ConnectionOptions;
  /** Put before every channel name, so deployments (or tests) sharing one Redis do not hear each other. */
  readonly channelPrefix?: string;
  /** Where connection loss and recovery are reported (default: `console`). */
  readonly logger?: BusLogger;
}

const RECONNECT_STEP_MS = 200;
const RECONNECT_MAX_MS = 5_000;

/** Reports an outage once when it starts and once when it ends, not on every failed reconnect attempt. */
function watch(client: Redis, role: string, logger: BusLogger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`redis ${role}: ${error.message}; reconnecting`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.warn(`redis ${role}: reconnected`);
  });
}

async function shutDown(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // The connection broke while quitting: fall through and drop it.
    }
  }
  // Not connected: QUIT would wait in the offline queue for a server that may never come back.
  client.disconnect();
}

/** graphql-redis-subscriptions publishes to the raw trigger name, so the prefix is applied here, on both sides. */
class PrefixedRedisPubSub extends PubSubEngine {
  readonly #inner: RedisPubSub;
  readonly #prefix: string;
  readonly #clients: readonly Redis[];

  constructor(inner: RedisPubSub, prefix: string, clients: readonly Redis[]) {
    super();
    this.#inner = inner;
    this.#prefix = prefix;
    this.#clients = clients;
  }

  override publish(triggerName: string, payload: unknown): Promise<void> {
    return this.#inner.publish(this.#prefix + triggerName, payload);
  }

  override subscribe(triggerName: string, onMessage: (message: unknown) => void, options?: unknown): Promise<number> {
    return this.#inner.subscribe(this.#prefix + triggerName, onMessage, options);
  }

  override unsubscribe(subId: number): void {
    this.#inner.unsubscribe(subId);
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map(shutDown));
  }

  async ping(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.ping()));
  }
}

/**
 * Pub/sub over Redis (graphql-redis-subscriptions), so subscriptions fan out across gateway and subgraph
 * replicas. Payloads travel as JSON. Both connections reconnect without limit, and the subscriber
 * re-subscribes its channels afterwards, so a Redis restart interrupts delivery but ends nothing.
 */
export function createRedisPubSub(options: RedisPubSubOptions): ClosablePubSub {
  const logger = options.logger ?? console;
  const base: RedisOptions = {
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
    ...(options.tls ? { tls: options.tls } : {}),
  };
  // Commands issued in one tick go out in one write: a relay publishing a batch pays one system call, not one each.
  const publisher = new Redis(options.url, { ...base, enableAutoPipelining: true });
  // SUBSCRIBE waits for the server to come back instead of failing after ioredis' default 20 attempts.
  const subscriber = new Redis(options.url, { ...base, maxRetriesPerRequest: null });
  watch(publisher, 'publisher', logger);
  watch(subscriber, 'subscriber', logger);
  const inner = new RedisPubSub({
    publisher,
    subscriber,
    serializer: (payload) => JSON.stringify(payload),
    deserializer: (source) => JSON.parse(source.toString()),
  });
  return new PrefixedRedisPubSub(inner, options.channelPrefix ?? '', [publisher, subscriber]);
}
