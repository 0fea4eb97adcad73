import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GraphQLError } from 'graphql';
import { identityKey, LIMIT_CODES, type LimitContext, type LimitSettings, limitError } from './limits.ts';

interface Window {
  /** When the current window of this identity began (each identity's windows start at its first operation). */
  start: number;
  current: number;
  previous: number;
}

/**
 * Operations per identity over a sliding window, approximated by two fixed windows (the count of the previous one
 * weighted by how much of it still overlaps): O(1) memory and work per identity, and within one window from an
 * identity's first operation the count is exact.
 */
export class RateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();
  #swept: number;

  constructor(options: { readonly max: number; readonly windowMs: number; readonly now?: () => number }) {
    this.#max = options.max;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#swept = this.#now();
  }

  /** Counts one operation of `key`; returns 0 when allowed, else the ms after which one will be. */
  take(key: string): number {
    const now = this.#now();
    this.#sweep(now);
    const window = this.#windows.get(key) ?? { start: now, current: 0, previous: 0 };
    const elapsed = now - window.start;
    if (elapsed >= this.#windowMs) {
      const windows = Math.floor(elapsed / this.#windowMs);
      window.previous = windows === 1 ? window.current : 0;
      window.current = 0;
      window.start += windows * this.#windowMs;
    }
    const overlap = 1 - (now - window.start) / this.#windowMs;
    const estimate = window.previous * overlap + window.current;
    if (estimate >= this.#max) {
      this.#windows.set(key, window);
      return Math.max(1, window.start + this.#windowMs - now);
    }
    window.current += 1;
    this.#windows.set(key, window);
    return 0;
  }

  /** Forgets identities idle for two windows, at most once per window. */
  #sweep(now: number) {
    if (now - this.#swept < this.#windowMs) return;
    this.#swept = now;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= 2 * this.#windowMs) this.#windows.delete(key);
    }
  }
}

/** Refuses an identity's operations past `rateLimitMax` per `rateLimitWindowMs`: RATE_LIMITED, HTTP 429. */
export function useRateLimit(settings: Pick<LimitSettings, 'rateLimitMax' | 'rateLimitWindowMs'>): GatewayPlugin {
  const limiter = new RateLimiter({ max: settings.rateLimitMax, windowMs: settings.rateLimitWindowMs });
  const refusal = (context: unknown): GraphQLError | null => {
    const waitMs = limiter.take(identityKey(context as LimitContext));
    if (waitMs === 0) return null;
    const seconds = Math.ceil(waitMs / 1_000);
    return limitError(
      LIMIT_CODES.rate,
      `Rate limit of ${settings.rateLimitMax} operations per ${settings.rateLimitWindowMs / 1_000} s exceeded: retry in ${seconds} s`,
      { status: 429, headers: { 'Retry-After': String(seconds) } },
    );
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args.contextValue);
      if (error !== null) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args.contextValue);
      if (error !== null) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** `source`, calling `release` once when it ends: completed, failed, or closed by the client. */
function releasing<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const iterable: AsyncIterableIterator<T> = {
    next: () =>
      iterator.next().then(
        (result) => {
          if (result.done) release();
          return result;
        },
        (error: unknown) => {
          release();
          throw error;
        },
      ),
    return: (value?: unknown) => {
      release();
      return iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
    },
    throw: (error?: unknown) => {
      release();
      return iterator.throw?.(error) ?? Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => iterable,
  };
  return iterable;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Adds `delta` to `key`'s count, forgetting it at zero. */
function count<K>(counts: Map<K, number>, key: K, delta: number) {
  const next = (counts.get(key) ?? 0) + delta;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/**
 * Refuses a subscription past `maxSubscriptionsPerConnection` open on its connection (a graphql-ws socket; an SSE
 * request is a connection of its own) or `maxSubscriptionsPerIdentity` open for its identity:
 * SUBSCRIPTION_LIMIT_EXCEEDED. A subscription counts until it ends, however it ends.
 */
export function useSubscriptionLimits(
  settings: Pick<LimitSettings, 'maxSubscriptionsPerConnection' | 'maxSubscriptionsPerIdentity'>,
): GatewayPlugin {
  const perConnection = new Map<object, number>();
  const perIdentity = new Map<string, number>();
  return {
    onSubscribe({ args, setResultAndStopExecution, subscribeFn, setSubscribeFn }) {
      const context = args.contextValue as LimitContext & { readonly socket?: object };
      const connection: object = context.socket ?? context.request ?? context;
      const identity = identityKey(context);
      const refuse = (message: string) =>
        setResultAndStopExecution({ errors: [limitError(LIMIT_CODES.subscriptions, message)] });
      if ((perConnection.get(connection) ?? 0) >= settings.maxSubscriptionsPerConnection) {
        return refuse(
          `At most ${settings.maxSubscriptionsPerConnection} subscriptions may be open on one connection: end one first`,
        );
      }
      if ((perIdentity.get(identity) ?? 0) >= settings.maxSubscriptionsPerIdentity) {
        return refuse(
          `At most ${settings.maxSubscriptionsPerIdentity} subscriptions may be open at once: end one first`,
        );
      }
      count(perConnection, connection, 1);
      count(perIdentity, identity, 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        count(perConnection, connection, -1);
        count(perIdentity, identity, -1);
      };
      setSubscribeFn(async (subscribeArgs) => {
        try {
          return await subscribeFn(subscribeArgs);
        } catch (error) {
          release();
          throw error;
        }
      });
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(releasing(result, release));
          else release();
        },
      };
    },
  };
}
