import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import WebSocket from 'ws';
import { type BackoffOptions, type BreakerOptions, fullJitterDelay } from './rest.ts';
import type { FeedState } from './types.ts';

export interface ReconnectingSocketOptions {
  /** For messages: `binance`, `coinbase`. */
  readonly name: string;
  /** The address of the next connection (read at every attempt, so it can carry the current subscriptions). */
  readonly url: () => string;
  /**
   * Runs on each new connection before it counts as up (subscribe, wait for the answer); a rejection makes the
   * attempt a failed one. Messages arriving meanwhile already go to `onMessage`.
   */
  readonly onOpen: (socket: WebSocket) => void | Promise<void>;
  /** Every text or binary data frame, decoded as UTF-8, with its wall-clock arrival time (epoch ms). */
  readonly onMessage: (text: string, receivedAt: number) => void;
  readonly onState: (state: FeedState, detail?: string) => void;
  /** No frame of any kind (data, ping, pong) for this long: the connection is declared STALE and replaced. */
  readonly staleAfterMs: number;
  readonly backoff: BackoffOptions;
  /** Consecutive failed connection attempts before the breaker opens, and how long it stays open. */
  readonly breaker: BreakerOptions;
  /** A connection this old is replaced: the new one opens first, the old one closes once the new one is up. */
  readonly maxConnectionMs?: number;
  /** A replacement connection (`rotate`, `maxConnectionMs`) is up and the old one closed. */
  readonly onRotate?: () => void;
}

/** Counters of one reconnecting socket. */
export interface SocketStats {
  readonly state: FeedState;
  readonly lastMessageAt: number | null;
  /** Connections opened after the first one (drops, stalls, rotations). */
  readonly reconnects: number;
}

/**
 * A websocket client that stays connected: exponential backoff with full jitter between attempts, a circuit
 * breaker over consecutive failed attempts, a staleness watchdog (pings count as traffic; `ws` answers them with
 * a pong carrying the same payload) and planned, overlapping replacement of old connections.
 */
export class ReconnectingSocket {
  readonly #options: ReconnectingSocketOptions;
  readonly #breaker;
  #state: FeedState = 'DISCONNECTED';
  #current: WebSocket | null = null;
  #rotating = false;
  // Every socket not yet closed, current or not, so that stop() leaves none behind.
  readonly #sockets = new Set<WebSocket>();
  #started = false;
  #stopped = false;
  #opened = 0;
  #failures = 0;
  #lastMessageAt: number | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #staleTimer: NodeJS.Timeout | null = null;
  #ageTimer: NodeJS.Timeout | null = null;
  #connecting = false;

  constructor(options: ReconnectingSocketOptions) {
    this.#options = options;
    this.#breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.breaker.cooldownMs,
      breaker: new ConsecutiveBreaker(options.breaker.failures),
    });
  }

  /** Opens the first connection; resolves once that attempt has succeeded or failed (retries go on). */
  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#started = true;
    this.#stopped = false;
    this.#staleTimer = setInterval(() => this.#checkStale(), Math.max(10, Math.floor(this.#options.staleAfterMs / 4)));
    this.#staleTimer.unref();
    return this.#connect();
  }

  /** Sends on the current connection; false when there is none open. */
  send(text: string): boolean {
    const socket = this.#current;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(text);
    return true;
  }

  /** Drops the current connection and connects again (after the usual backoff). */
  reconnect(reason: string): void {
    if (!this.#started || this.#stopped) return;
    const socket = this.#current;
    this.#current = null;
    this.#retire(socket);
    this.#scheduleRetry(reason);
  }

  /** Opens a replacement connection; the current one closes once the replacement is up. */
  rotate(reason: string): void {
    if (!this.#started || this.#stopped || this.#rotating || this.#current === null) return;
    this.#rotating = true;
    void this.#rotate(reason).finally(() => {
      this.#rotating = false;
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#started = false;
    for (const timer of [this.#retryTimer, this.#ageTimer]) if (timer !== null) clearTimeout(timer);
    if (this.#staleTimer !== null) clearInterval(this.#staleTimer);
    this.#retryTimer = this.#ageTimer = this.#staleTimer = null;
    this.#current = null;
    await Promise.all([...this.#sockets].map((socket) => this.#retire(socket)));
    this.#setState('DISCONNECTED', 'stopped');
  }

  stats(): SocketStats {
    return { state: this.#state, lastMessageAt: this.#lastMessageAt, reconnects: Math.max(0, this.#opened - 1) };
  }

  #setState(state: FeedState, detail?: string): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state, detail);
  }

  async #connect(): Promise<void> {
    if (this.#stopped || this.#connecting) return;
    this.#connecting = true;
    try {
      const socket = await this.#breaker.execute(() => this.#open());
      if (this.#stopped) {
        await this.#retire(socket);
        return;
      }
      this.#current = socket;
      this.#failures = 0;
      this.#armAge();
      this.#setState('CONNECTED');
    } catch (error) {
      if (this.#stopped) return;
      if (error instanceof BrokenCircuitError) {
        this.#setState('BREAKER_OPEN', `${this.#options.breaker.failures} failed connection attempts`);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          void this.#connect();
        }, this.#options.breaker.cooldownMs);
        return;
      }
      this.#failures++;
      if (this.#breaker.state === CircuitState.Open) {
        this.#setState('BREAKER_OPEN', `${this.#options.breaker.failures} failed connection attempts`);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          void this.#connect();
        }, this.#options.breaker.cooldownMs);
        return;
      }
      this.#scheduleRetry(String((error as Error).message ?? error));
    } finally {
      this.#connecting = false;
    }
  }

  #scheduleRetry(reason: string): void {
    if (this.#stopped || this.#retryTimer !== null) return;
    this.#setState('BACKOFF', reason);
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        void this.#connect();
      },
      fullJitterDelay(this.#failures, this.#options.backoff),
    );
  }

  /** One attempt: the connection is up once it is open and `onOpen` has finished. */
  #open(): Promise<WebSocket> {
    return new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.#options.url(), { handshakeTimeout: this.#options.staleAfterMs });
      this.#sockets.add(socket);
      let up = false;
      const fail = (reason: string): void => {
        if (up) return;
        up = true;
        socket.terminate();
        reject(new Error(`${this.#options.name}: ${reason}`));
      };
      socket.on('message', (data: WebSocket.RawData) => {
        const receivedAt = Date.now();
        this.#lastMessageAt = receivedAt;
        this.#options.onMessage(rawText(data), receivedAt);
      });
      socket.on('ping', () => {
        this.#lastMessageAt = Date.now();
      });
      socket.on('pong', () => {
        this.#lastMessageAt = Date.now();
      });
      socket.on('error', (error) => fail(error.message));
      socket.on('close', (code) => {
        this.#sockets.delete(socket);
        fail(`closed during connect (${code})`);
        this.#onClose(socket, code);
      });
      socket.on('open', () => {
        this.#opened++;
        this.#lastMessageAt = Date.now();
        Promise.resolve()
          .then(() => this.#options.onOpen(socket))
          .then(
            () => {
              if (up) return;
              up = true;
              resolve(socket);
            },
            (error: unknown) => fail(`subscription failed: ${(error as Error).message ?? error}`),
          );
      });
    });
  }

  #onClose(socket: WebSocket, code: number): void {
    if (socket !== this.#current || this.#stopped) return;
    this.#current = null;
    if (this.#rotating) return; // the replacement being opened takes over
    this.#scheduleRetry(`connection closed (${code})`);
  }

  #checkStale(): void {
    if (this.#current === null || this.#lastMessageAt === null) return;
    const silentMs = Date.now() - this.#lastMessageAt;
    if (silentMs <= this.#options.staleAfterMs) return;
    this.#setState('STALE', `no message for ${silentMs} ms`);
    this.reconnect(`stale: no message for ${silentMs} ms`);
  }

  #armAge(): void {
    const maxMs = this.#options.maxConnectionMs;
    if (maxMs === undefined) return;
    if (this.#ageTimer !== null) clearTimeout(this.#ageTimer);
    this.#ageTimer = setTimeout(() => {
      this.#ageTimer = null;
      this.rotate(`connection is ${maxMs} ms old`);
    }, maxMs);
  }

  async #rotate(reason: string): Promise<void> {
    let fresh: WebSocket;
    try {
      fresh = await this.#breaker.execute(() => this.#open());
    } catch (error) {
      if (this.#stopped) return;
      if (this.#current === null) {
        this.#failures++;
        this.#scheduleRetry(`replacement failed: ${(error as Error).message}`);
      } else {
        // The old connection still works: try again later.
        this.#ageTimer = setTimeout(
          () => {
            this.#ageTimer = null;
            this.rotate(reason);
          },
          fullJitterDelay(++this.#failures, this.#options.backoff),
        );
      }
      return;
    }
    if (this.#stopped) {
      await this.#retire(fresh);
      return;
    }
    const old = this.#current;
    this.#current = fresh;
    this.#failures = 0;
    if (this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
    this.#armAge();
    this.#setState('CONNECTED', `replaced: ${reason}`);
    await this.#retire(old);
    this.#options.onRotate?.();
  }

  /** Closes a connection that is no longer the current one; its close does not trigger a reconnect. */
  #retire(socket: WebSocket | null): Promise<void> {
    if (socket === null || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'replaced');
    });
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
