import { type ChildProcess, fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Reader, ReadersMessage, ReadersRequest } from './distribution-readers.ts';
import type { Samples } from './measure.ts';

/** Wall-clock milliseconds, the clock both the bench and its readers' process stamp signals with. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

export type Progress = Extract<ReadersMessage, { type: 'progress' }>;
type Answer<T extends ReadersRequest['type']> = Extract<ReadersMessage, { type: T }>;

/** The readers' process (`distribution-readers.ts`), and what it last reported. */
export class ReadersProcess {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<string, (message: ReadersMessage) => void>();
  #progress: Progress = {
    type: 'progress',
    received: { kafka: 0, pubsub: 0, gateway: 0 },
    seen: { kafka: 0, pubsub: 0, gateway: 0 },
    last: { kafka: 0, pubsub: 0, gateway: 0 },
  };

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: ReadersMessage) => {
      if (message.type === 'progress') this.#progress = message;
      const waiting = this.#waiting.get(message.type);
      this.#waiting.delete(message.type);
      waiting?.(message);
    });
  }

  static async start(env: Readonly<Record<string, string>>): Promise<ReadersProcess> {
    const child = fork(fileURLToPath(new URL('./distribution-readers.ts', import.meta.url)), [], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Structured clone rather than JSON: receipt times are Float64Arrays, NaN where nothing came.
      serialization: 'advanced',
    });
    const readers = new ReadersProcess(child);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the readers' process exited (${code})`))),
    );
    exited.catch(() => {});
    await Promise.race([readers.#answer('ready'), exited]);
    return readers;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get progress(): Progress {
    return this.#progress;
  }

  request<T extends ReadersRequest['type']>(request: ReadersRequest & { type: T }): Promise<Answer<T>> {
    const answer = this.#answer(request.type);
    this.#child.send(request);
    return answer as Promise<Answer<T>>;
  }

  /**
   * Sends probes (`probe(n)`, one every 50 ms, at most 200) until `reader` has seen a message: its subscription is
   * live from then on. `what` names it in the error when it never is.
   */
  async untilSeen(reader: Reader, probe: (n: number) => Promise<unknown>, what: string): Promise<void> {
    for (let n = 0; this.#progress.seen[reader] === 0; n++) {
      if (n > 200) throw new Error(`${what} did not come up`);
      await probe(n);
      await sleep(50);
    }
  }

  /** The first progress report that satisfies `done`, or the last one after `timeoutMs`. */
  async waitFor(done: (progress: Progress) => boolean, timeoutMs: number): Promise<Progress> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const progress = (await this.#answer('progress')) as Progress;
      if (done(progress) || performance.now() > deadline) return progress;
    }
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    const kill = setTimeout(() => this.#child.kill(), 5_000);
    await Promise.race([this.request({ type: 'close' }), exited]);
    if (this.#child.connected) this.#child.disconnect();
    await exited;
    clearTimeout(kill);
  }

  #answer(type: ReadersMessage['type']): Promise<ReadersMessage> {
    return new Promise((resolve) => this.#waiting.set(type, resolve));
  }
}

/** Options of {@link handOverAtRate}. */
export interface AtRateOptions<T extends { readonly id: string }> {
  readonly readers: ReadersProcess;
  /** One batch per tick, a tick every 10 ms. */
  readonly ticks: readonly (readonly T[])[];
  /** Hands a batch over; `handedOverAt` is `performance.now()` just before. Not awaited before the next tick. */
  readonly handOver: (batch: readonly T[], handedOverAt: number) => Promise<unknown>;
  /** The readers every signal must reach before the run ends. */
  readonly awaited: readonly Reader[];
  /** Where each reader's latencies go (hand-over -> first receipt, ms); none: an untimed run. */
  readonly samples?: Partial<Record<Reader, Samples>>;
}

/**
 * Hands the ticks over at their rate, whatever each hand-over takes (as candles come), waits until every signal
 * reached the awaited readers (a minute at most after the last tick), and records each reader's latencies.
 */
export async function handOverAtRate<T extends { readonly id: string }>(options: AtRateOptions<T>): Promise<void> {
  const { readers, ticks, awaited } = options;
  const ids = ticks.flat().map((signal) => signal.id);
  await readers.request({ type: 'expect', ids });
  // Wall-clock hand-over time of each signal, in `ids` order: the readers stamp receipts with the same clock.
  const handedOver = new Float64Array(ids.length);
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  let index = 0;
  for (const [tick, batch] of ticks.entries()) {
    const wait = started + tick * 10 - performance.now();
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    handedOver.fill(wallClock(), index, index + batch.length);
    index += batch.length;
    pending.push(options.handOver(batch, now));
  }
  await Promise.all(pending);
  await readers.waitFor(
    ({ received }) => awaited.every((reader) => received[reader] === ids.length),
    ticks.length * 10 + 60_000,
  );
  if (options.samples === undefined) return;
  const { times } = await readers.request({ type: 'receipts' });
  for (const [reader, samples] of Object.entries(options.samples) as [Reader, Samples][]) {
    times[reader].forEach((at, position) => {
      if (!Number.isNaN(at)) samples.push(at - (handedOver[position] as number));
    });
  }
}
