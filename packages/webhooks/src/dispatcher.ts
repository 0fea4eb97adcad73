import { toStandardSignal } from '@alphintra/core';
import {
  type ClaimedWebhookDelivery,
  claimWebhookDeliveries,
  type Db,
  getSignals,
  recordWebhookAttempt,
  type WebhookAttemptOutcome,
} from '@alphintra/db';
import { postWebhook, type WebhookAttemptResult } from './send.ts';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './settings.ts';
import { signedHeaders, signingSecrets } from './signing.ts';

/** Where the dispatcher reports trouble (the platform's `Log` fits). */
export interface WebhookLog {
  warn(message: string, error?: unknown, fields?: Readonly<Record<string, unknown>>): void;
}

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  readonly db: Db;
  readonly log: WebhookLog;
  readonly settings?: Partial<WebhookSettings>;
  /** Attempts in flight in this process at most, over every webhook. Default 256. */
  readonly maxInFlight?: number;
  /** The wall clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** 0 (inclusive) to 1 (exclusive), for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Called after each recorded attempt (tests, the benchmark). */
  readonly onAttempt?: (
    delivery: ClaimedWebhookDelivery,
    result: WebhookAttemptResult,
    outcome: WebhookAttemptOutcome,
  ) => void;
}

/**
 * The retry delay after failed attempt `attempt` (1-based): exponential backoff with full jitter, a random delay
 * between 0 and `base * 2^(attempt-1)`, capped at `max`.
 */
export function retryDelay(
  attempt: number,
  settings: Pick<WebhookSettings, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: number,
): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.floor(random * ceiling);
}

/**
 * Sends due webhook deliveries: claims them from the database (leased, `for update skip locked`, so any number
 * of dispatcher processes can share the work), POSTs each signal's standard JSON signed per Standard Webhooks and
 * records the attempt. A failure is retried with backoff until the retry window from the first attempt has passed,
 * then the delivery is DEAD. Per webhook at most `concurrency` attempts are in flight, so a slow or dead receiver
 * holds up only itself. Talks to nothing but the database and the receivers.
 */
export class WebhookDispatcher {
  readonly #db: Db;
  readonly #log: WebhookLog;
  readonly #settings: WebhookSettings;
  readonly #maxInFlight: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #onAttempt: WebhookDispatcherOptions['onAttempt'];
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = true;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #pending = false;
  #stats = { attempts: 0, delivered: 0, failed: 0, dead: 0 };

  constructor(options: WebhookDispatcherOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...options.settings };
    this.#maxInFlight = options.maxInFlight ?? 256;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#onAttempt = options.onAttempt;
  }

  /** Counters since start. */
  get stats() {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Deliveries were queued or replayed: look now rather than at the next poll. */
  wake(): void {
    this.#pending = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Stops claiming and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#running;
    await Promise.all([...this.#inFlight]);
  }

  async #loop(): Promise<void> {
    let errorDelay = 100;
    while (!this.#stopped) {
      this.#pending = false;
      const free = this.#maxInFlight - this.#inFlight.size;
      let claimed: ClaimedWebhookDelivery[] = [];
      if (free > 0) {
        try {
          const now = this.#now();
          claimed = await claimWebhookDeliveries(this.#db, {
            now: new Date(now),
            // Long enough for an attempt and its record; a process that dies leaves the delivery to another after it.
            leaseUntil: new Date(now + this.#settings.timeoutMs * 2 + 30_000),
            concurrency: this.#settings.concurrency,
            limit: free,
          });
          errorDelay = 100;
        } catch (error) {
          this.#log.warn(`claiming webhook deliveries failed; retrying in ${errorDelay} ms`, error);
          await this.#idle(errorDelay);
          errorDelay = Math.min(errorDelay * 2, 10_000);
          continue;
        }
      }
      if (claimed.length > 0) {
        const signals = await getSignals(
          this.#db,
          claimed.map((c) => c.signalId),
        ).catch((error: unknown) => {
          this.#log.warn('reading signals for webhook deliveries failed; their leases will run out', error);
          return [];
        });
        claimed.forEach((delivery, i) => {
          const signal = signals[i];
          if (!signal) return;
          const body = JSON.stringify(toStandardSignal(signal));
          const attempt = this.#attempt(delivery, body).finally(() => {
            this.#inFlight.delete(attempt);
            this.wake();
          });
          this.#inFlight.add(attempt);
        });
        continue;
      }
      if (!this.#pending) await this.#idle(this.#settings.pollMs);
    }
  }

  async #attempt(delivery: ClaimedWebhookDelivery, body: string): Promise<void> {
    const settings = this.#settings;
    const at = this.#now();
    const headers = signedHeaders(signingSecrets(delivery, at), delivery.id, at, body);
    const result = await postWebhook({
      url: delivery.url,
      body,
      headers,
      timeoutMs: settings.timeoutMs,
      allowPrivate: settings.allowPrivate,
      resolve: settings.resolve,
    });
    const attempt = delivery.attempts + 1;
    const firstAttemptAt = delivery.firstAttemptAt ?? new Date(at);
    let outcome: WebhookAttemptOutcome;
    if (result.ok) outcome = { status: 'DELIVERED' };
    else {
      const next = this.#now() + retryDelay(attempt, settings, this.#random());
      outcome =
        next > firstAttemptAt.getTime() + settings.retryWindowMs
          ? { status: 'DEAD' }
          : { status: 'FAILED', nextAttemptAt: new Date(next) };
    }
    this.#stats.attempts++;
    if (outcome.status === 'DELIVERED') this.#stats.delivered++;
    else if (outcome.status === 'DEAD') this.#stats.dead++;
    else this.#stats.failed++;
    try {
      await recordWebhookAttempt(this.#db, {
        deliveryId: delivery.id,
        leaseUntil: delivery.leaseUntil,
        attempt,
        at: new Date(at),
        firstAttemptAt,
        httpStatus: result.httpStatus,
        latencyMs: result.latencyMs,
        error: result.error,
        outcome,
      });
    } catch (error) {
      // The lease runs out and the delivery is attempted again: at least once, never lost.
      this.#log.warn(`recording attempt ${attempt} of webhook delivery ${delivery.id} failed`, error, {
        signalId: delivery.signalId,
        webhookId: delivery.webhookId,
      });
    }
    this.#onAttempt?.(delivery, result, outcome);
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
