import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ClosablePubSub } from '@alphintra/bus';

/** Latency percentiles in milliseconds, nearest-rank over every sample. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** A growable buffer of latency samples (ms); doubling keeps `push` allocation-free almost always. */
export class Samples {
  #data = new Float64Array(4_096);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  /** Percentiles of every sample so far; null when there is none. */
  summary(): LatencySummary | null {
    const count = this.#length;
    if (count === 0) return null;
    const sorted = this.#data.slice(0, count).sort();
    // Nearest rank: the smallest sample with at least p of all samples at or below it.
    const rank = (p: number) => sorted[Math.min(count, Math.max(1, Math.ceil(p * count))) - 1] ?? Number.NaN;
    return { count, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: rank(1) };
  }
}

/**
 * A real subscriber on a pub/sub channel: drains `asyncIterableIterator` and records, for each message, the time
 * since `arrival`, which the feeding loop sets just before handing in the trade that caused it.
 */
export class TimedSubscriber {
  /** `performance.now()` just before the trade that closed the candle was handed in. */
  arrival = 0;
  /** Where receipt latencies go; replaced between the warm-up and the timed passes. */
  samples: Samples = new Samples();
  readonly #iterator: AsyncIterableIterator<unknown>;
  readonly #done: Promise<void>;
  #received = 0;
  #target = 0;
  #wake: (() => void) | null = null;

  constructor(pubsub: ClosablePubSub, channel: string) {
    this.#iterator = pubsub.asyncIterableIterator(channel);
    // The first `next()` subscribes, synchronously for the in-memory pub/sub: nothing published later is missed.
    this.#done = this.#drain();
  }

  /** Messages received since construction (a batch counts as its signals). */
  get received(): number {
    return this.#received;
  }

  /** Resolves once `total` messages have been received since construction. */
  until(total: number): Promise<void> {
    if (this.#received >= total) return Promise.resolve();
    return new Promise((resolve) => {
      this.#target = total;
      this.#wake = resolve;
    });
  }

  /** Ends the subscription. */
  async close(): Promise<void> {
    await this.#iterator.return?.();
    await this.#done;
  }

  async #drain(): Promise<void> {
    for await (const message of this.#iterator) {
      // A batch of signals (the outbox relay's message) counts as each of them, received at once.
      const received = Array.isArray(message) ? message.length : 1;
      for (let i = 0; i < received; i++) this.samples.push(performance.now() - this.arrival);
      this.#received += received;
      if (this.#wake !== null && this.#received >= this.#target) {
        const wake = this.#wake;
        this.#wake = null;
        wake();
      }
    }
  }
}

/** `heapUsed` in MiB, now: live data plus whatever garbage the collector has not reclaimed yet. */
export function heapUsedMiB(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * `heapUsed` in MiB after a full garbage collection: what the run actually keeps alive. The collector is reached
 * through a fresh context because `pnpm bench` starts node without `--expose-gc`.
 */
export function retainedHeapMiB(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  return heapUsedMiB();
}

/** Deterministic PRNG (mulberry32): a benchmark that samples at random reads the same items on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The `p`th percentile (0..100, nearest rank) of ascending samples; NaN without samples. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
