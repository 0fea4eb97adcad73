import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { BadInput } from './types.ts';

/** Exponential backoff bounds: attempt n waits a uniformly random time in [0, min(maxMs, initialMs * 2^n)). */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Circuit breaker settings: open after `failures` consecutive failures, try again after `cooldownMs`. */
export interface BreakerOptions {
  readonly failures: number;
  readonly cooldownMs: number;
}

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function fullJitterDelay(attempt: number, backoff: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** A REST call that failed for good; `status` is the HTTP status, or null when no response came (network, timeout, breaker). */
export class RestError extends Error {
  override readonly name = 'RestError';
  readonly status: number | null;
  /** Worth another attempt (5xx, network error, timeout, unreadable body). */
  readonly retryable: boolean;
  /** For 429 / 418: how long the server asked us to wait, ms. */
  readonly retryAfterMs: number | null;

  constructor(message: string, status: number | null, retryable = false, retryAfterMs: number | null = null) {
    super(message);
    this.status = status;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RestClientOptions {
  /** For messages: `binance`, `coinbase`. */
  readonly name: string;
  readonly baseUrl: string;
  /** Request weight the server allows per minute; the client's token bucket holds this much. */
  readonly weightPerMinute: number;
  /** Attempts after the first one (default 5). */
  readonly maxRetries?: number;
  /** Per attempt (default 10 s). */
  readonly timeoutMs?: number;
  /** Default: 5 consecutive failures, 30 s cool-down. */
  readonly breaker?: BreakerOptions;
  /** Default: 500 ms doubling up to 30 s. */
  readonly backoff?: BackoffOptions;
  /** Response header with the weight used in the current minute (Binance: `X-MBX-USED-WEIGHT-1M`). */
  readonly usedWeightHeader?: string;
  readonly onBadInput?: (bad: BadInput) => void;
  /** Clock of the token bucket (epoch ms). */
  readonly now?: () => number;
}

/** Counters since the client was made. */
export interface RestStats {
  /** HTTP requests sent (attempts, not calls). */
  readonly requests: number;
  /** 429 / 418 answers. */
  readonly throttled: number;
  /** Failed attempts: 5xx, network error, timeout, unreadable body. */
  readonly failures: number;
  readonly breakerOpen: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A JSON-over-HTTP GET client for an exchange's public REST API: a token bucket of request weight, Retry-After on
 * 429/418, exponential backoff with full jitter on transient failures, and a circuit breaker.
 */
export class RestClient {
  readonly #options: RestClientOptions;
  readonly #maxRetries: number;
  readonly #timeoutMs: number;
  readonly #backoff: BackoffOptions;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #breaker;
  #openedAt = 0;
  // Token bucket: weight available now, refilled continuously at weightPerMinute / 60 s.
  #tokens: number;
  #refilledAt: number;
  // Every caller waits here after a 429/418 until the server's Retry-After has passed: carrying on earns a ban.
  #pausedUntil = 0;
  // Callers take weight one after another, first come first served.
  #queue: Promise<void> = Promise.resolve();
  #requests = 0;
  #throttled = 0;
  #failures = 0;

  constructor(options: RestClientOptions) {
    this.#options = options;
    this.#maxRetries = options.maxRetries ?? 5;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const breaker = options.breaker ?? { failures: 5, cooldownMs: 30_000 };
    this.#cooldownMs = breaker.cooldownMs;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.weightPerMinute;
    this.#refilledAt = this.#now();
    this.#breaker = circuitBreaker(
      // Only a failure of the server counts; a client error (4xx) or a throttle says nothing about its health.
      handleWhen((error) => error instanceof RestError && error.retryable),
      { halfOpenAfter: breaker.cooldownMs, breaker: new ConsecutiveBreaker(breaker.failures) },
    );
    this.#breaker.onBreak(() => {
      this.#openedAt = Date.now();
    });
  }

  /** True while the breaker rejects calls (open and still cooling down). */
  get breakerOpen(): boolean {
    const state = this.#breaker.state;
    if (state === CircuitState.Isolated) return true;
    return state === CircuitState.Open && Date.now() - this.#openedAt < this.#cooldownMs;
  }

  stats(): RestStats {
    return {
      requests: this.#requests,
      throttled: this.#throttled,
      failures: this.#failures,
      breakerOpen: this.breakerOpen,
    };
  }

  /** GETs `path` with `query` and decodes the JSON body; `weight` is the endpoint's request weight. */
  async getJson<T>(path: string, query: Record<string, string | number>, weight = 1): Promise<T> {
    const url = new URL(path, this.#options.baseUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    for (let attempt = 0; ; attempt++) {
      if (this.breakerOpen) throw this.#brokenError();
      await this.#take(weight);
      try {
        return (await this.#breaker.execute(() => this.#attempt(url))) as T;
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw this.#brokenError();
        if (!(error instanceof RestError)) throw error;
        if (error.retryAfterMs !== null) {
          if (attempt >= this.#maxRetries) throw error;
          await sleep(this.#pausedUntil - this.#now());
          continue;
        }
        if (!error.retryable || attempt >= this.#maxRetries) throw error;
        await sleep(fullJitterDelay(attempt, this.#backoff));
      }
    }
  }

  #brokenError(): RestError {
    return new RestError(`${this.#options.name} REST: circuit breaker open after repeated failures`, null);
  }

  async #attempt(url: URL): Promise<unknown> {
    this.#requests++;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      text = await response.text();
    } catch (error) {
      this.#failures++;
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${this.#timeoutMs} ms` : String(error);
      throw new RestError(`${this.#options.name} REST ${url.pathname}: ${reason}`, null, true);
    }
    this.#syncWeight(response.headers);
    const { status } = response;
    if (status === 429 || status === 418) {
      this.#throttled++;
      const seconds = Number(response.headers.get('retry-after'));
      const waitMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.#backoff.initialMs;
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + waitMs);
      throw new RestError(`${this.#options.name} REST ${url.pathname}: HTTP ${status}`, status, false, waitMs);
    }
    if (status >= 500) {
      this.#failures++;
      this.#reportBad(text, status);
      throw new RestError(`${this.#options.name} REST ${url.pathname}: HTTP ${status}`, status, true);
    }
    if (status >= 400) {
      throw new RestError(`${this.#options.name} REST ${url.pathname}: HTTP ${status} ${text.slice(0, 200)}`, status);
    }
    try {
      return JSON.parse(text);
    } catch {
      this.#failures++;
      this.#reportBad(text, status);
      throw new RestError(`${this.#options.name} REST ${url.pathname}: body is not JSON`, status, true);
    }
  }

  #reportBad(text: string, status: number): void {
    this.#options.onBadInput?.({ kind: 'rest-error', sample: `HTTP ${status}: ${text}`.slice(0, 200) });
  }

  /** The server's count is the truth: never believe more weight is left than it says. */
  #syncWeight(headers: Headers): void {
    const name = this.#options.usedWeightHeader;
    if (name === undefined) return;
    const used = Number(headers.get(name));
    if (headers.get(name) === null || !Number.isFinite(used)) return;
    this.#refill();
    this.#tokens = Math.min(this.#tokens, Math.max(0, this.#options.weightPerMinute - used));
  }

  #refill(): void {
    const now = this.#now();
    const rate = this.#options.weightPerMinute / 60_000;
    this.#tokens = Math.min(this.#options.weightPerMinute, this.#tokens + (now - this.#refilledAt) * rate);
    this.#refilledAt = now;
  }

  #take(weight: number): Promise<void> {
    const cost = Math.min(weight, this.#options.weightPerMinute);
    const turn = this.#queue.then(async () => {
      for (;;) {
        const paused = this.#pausedUntil - this.#now();
        if (paused > 0) {
          await sleep(paused);
          continue;
        }
        this.#refill();
        if (this.#tokens >= cost) {
          this.#tokens -= cost;
          return;
        }
        await sleep(Math.ceil((cost - this.#tokens) / (this.#options.weightPerMinute / 60_000)));
      }
    });
    this.#queue = turn;
    return turn;
  }
}
