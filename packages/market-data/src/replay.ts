import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Trade } from '@alphintra/core';
import { MalformedTradeError, parseBinanceTrade } from './trade.ts';

/** A skipped line of a trade file: its 1-based number and why it was rejected. */
export interface MalformedLine {
  readonly line: number;
  readonly reason: string;
}

/** Options of `readTradeFile`. */
export interface ReadTradeFileOptions {
  /** Called once per malformed line, which is then skipped. Default: one `console.warn` line. */
  readonly onMalformed?: (malformed: MalformedLine) => void;
}

/** Streams a ndjson file of Binance `@trade` payloads as normalized trades, skipping malformed lines. */
export async function* readTradeFile(path: string, options: ReadTradeFileOptions = {}): AsyncGenerator<Trade, void> {
  const onMalformed =
    options.onMalformed ??
    ((malformed: MalformedLine) => console.warn(`${path}:${malformed.line}: skipped trade: ${malformed.reason}`));
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      // ndjson allows blank lines (a trailing newline, a hand-edited file): they carry nothing to report.
      if (line.trim() === '') continue;
      let trade: Trade;
      try {
        trade = parseBinanceTrade(line);
      } catch (error) {
        if (!(error instanceof MalformedTradeError)) throw error;
        onMalformed({ line: lineNumber, reason: error.reason });
        continue;
      }
      yield trade;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Options of `ReplayFeed`. */
export interface ReplayFeedOptions {
  /** ndjson file of Binance `@trade` payloads, e.g. `BUNDLED_TRADES`. */
  readonly file: string;
  /** Market ms per wall ms (120 plays a minute candle in half a second); `Infinity` replays as fast as possible. */
  readonly speed: number;
  /** Start over at the end of the file, shifting times and ids so that they keep increasing. */
  readonly loop?: boolean;
  /** Re-key every trade to this symbol. */
  readonly symbol?: string;
  readonly onTrade: (trade: Trade) => void;
  /**
   * Receives the virtual market time every `tickMs` wall ms, never ahead of a trade not yet emitted, so that
   * `CandleAggregator.advanceTo` can close candles by timer.
   */
  readonly onClock?: (virtualTimeMs: number) => void;
  /** Wall ms between `onClock` calls. Default 50. */
  readonly tickMs?: number;
  /** Called once per malformed line of the file (not again on each loop). Default: `console.warn`. */
  readonly onMalformed?: (malformed: MalformedLine) => void;
  /** Monotonic wall clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /**
   * Emits the trades up to this market time as fast as possible, pacing from the first trade after it: a
   * replay that resumes after a restart catches up with what it had already played.
   */
  readonly fastForwardUntil?: number;
}

/** Counters of a `ReplayFeed`. */
export interface ReplayFeedStats {
  /** Trades emitted. */
  readonly trades: number;
  /** Malformed lines skipped (counted on the first pass only). */
  readonly malformed: number;
  /** Times the replay went back to the start of the file. */
  readonly loops: number;
}

// A loop pass is shifted by the file's span rounded up to whole minutes plus one minute: times keep increasing
// and every pass has the same minute boundaries, so its 1m candles repeat the first pass's exactly.
const LOOP_ALIGN_MS = 60_000;
// With `speed: Infinity`, let timers and I/O run every this many trades.
const BATCH = 1_024;

/**
 * Replays a recorded trade file at `speed` times market pace: trade i is emitted at wall time
 * start + (T_i - T_0) / speed, trades due together in one go, sleeping on a timer in between. The file is
 * streamed again on each loop pass, so memory does not grow with its size.
 */
export class ReplayFeed {
  readonly #options: ReplayFeedOptions;
  readonly #now: () => number;
  readonly #tickMs: number;
  #started = false;
  #stopped = false;
  #trades = 0;
  #malformed = 0;
  #loops = 0;
  // Pacing origin, set by the first trade.
  #paced = false;
  #t0 = 0;
  #wallStart = 0;
  #nextTick = 0;
  #clock = Number.NEGATIVE_INFINITY;
  #sinceYield = 0;
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;

  constructor(options: ReplayFeedOptions) {
    if (!(options.speed > 0)) throw new RangeError(`speed must be positive, got ${options.speed}`);
    const tickMs = options.tickMs ?? 50;
    if (!(tickMs > 0 && Number.isFinite(tickMs))) throw new RangeError(`tickMs must be positive, got ${tickMs}`);
    this.#options = options;
    this.#tickMs = tickMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Counters so far. */
  get stats(): ReplayFeedStats {
    return { trades: this.#trades, malformed: this.#malformed, loops: this.#loops };
  }

  /** Runs the replay; resolves at the end of the file (never when looping) or after `stop()`. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('ReplayFeed already started');
    this.#started = true;
    const { file, loop = false, symbol, onTrade } = this.#options;
    const reportMalformed = this.#options.onMalformed;
    let first: Trade | null = null;
    let last: Trade | null = null;
    let timeShift = 0;
    let idShift = 0;
    try {
      for (let pass = 0; !this.#stopped; pass++) {
        if (pass > 0) {
          if (!loop || first === null || last === null) break;
          if (pass === 1) {
            const span = last.time - first.time;
            timeShift = Math.ceil(span / LOOP_ALIGN_MS) * LOOP_ALIGN_MS + LOOP_ALIGN_MS;
            idShift = Number(last.tradeId) - Number(first.tradeId) + 1;
          }
          this.#loops++;
        }
        const trades = readTradeFile(file, {
          onMalformed: (malformed) => {
            if (pass > 0) return;
            this.#malformed++;
            if (reportMalformed) reportMalformed(malformed);
            else console.warn(`${file}:${malformed.line}: skipped trade: ${malformed.reason}`);
          },
        });
        for await (const raw of trades) {
          if (pass === 0) {
            first ??= raw;
            last = raw;
          }
          let trade = raw;
          if (pass > 0) {
            trade = {
              ...raw,
              time: raw.time + pass * timeShift,
              tradeId: String(Number(raw.tradeId) + pass * idShift),
            };
          }
          if (symbol !== undefined) trade = { ...trade, symbol };
          await this.#waitFor(trade.time);
          if (this.#stopped) break;
          this.#trades++;
          onTrade(trade);
        }
      }
    } finally {
      this.#clearTimer();
    }
  }

  /** Stops the replay; `start()` resolves soon after. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  /** Waits until a trade of market time `time` is due, reporting the clock on the way. */
  async #waitFor(time: number): Promise<void> {
    const { speed, onClock, fastForwardUntil } = this.#options;
    const catchingUp = fastForwardUntil !== undefined && time <= fastForwardUntil;
    if (!this.#paced && !catchingUp) {
      this.#paced = true;
      this.#t0 = time;
      this.#wallStart = this.#now();
      this.#nextTick = this.#wallStart + this.#tickMs;
    }
    if (speed === Number.POSITIVE_INFINITY || catchingUp) {
      if (++this.#sinceYield >= BATCH) {
        this.#sinceYield = 0;
        this.#report(onClock, time);
        await yieldToEventLoop();
      }
      return;
    }
    const due = this.#wallStart + (time - this.#t0) / speed;
    while (!this.#stopped) {
      const now = this.#now();
      if (now >= this.#nextTick) {
        // Never past the next trade: a candle closed by this clock must not be one that trade belongs to.
        this.#report(onClock, Math.min(this.#t0 + (now - this.#wallStart) * speed, time));
        this.#nextTick += this.#tickMs;
        if (this.#nextTick <= now) this.#nextTick = now + this.#tickMs;
      }
      if (now >= due) return;
      await this.#sleep(Math.min(due, this.#nextTick) - now);
    }
  }

  #report(onClock: ((virtualTimeMs: number) => void) | undefined, time: number): void {
    // Monotonic even if the file has a trade out of time order.
    if (time <= this.#clock) return;
    this.#clock = time;
    onClock?.(time);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#wake = null;
        resolve();
      }, ms);
    });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
