import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Candle } from '@alphintra/core';
import { type BacktestPlan, type BacktestResult, BacktestSession, type CostModel } from '@alphintra/engine';
import { loadModelFiles, type ModelFile } from '@alphintra/engine/onnx';

/** What a backtest worker starts with: the plan, and the bytes of the model version its document pins, if any. */
export interface WorkerStart {
  readonly plan: BacktestPlan;
  readonly models: readonly ModelFile[];
}

/** A session over the plan, with the model files loaded into onnxruntime in the calling thread. */
export async function openBacktestSession({ plan, models }: WorkerStart): Promise<BacktestSession> {
  return new BacktestSession(plan, await loadModelFiles(models));
}

/** A message to a backtest worker. */
export type WorkerRequest =
  | { readonly type: 'feed'; readonly candles: readonly Candle[] }
  | { readonly type: 'result'; readonly costs: CostModel };

/** A backtest worker's answer to one request. */
export type WorkerReply =
  | { readonly type: 'fed'; readonly evaluated: number; readonly signals: number }
  | { readonly type: 'result'; readonly result: BacktestResult }
  | { readonly type: 'error'; readonly message: string };

/** Where a backtest session runs: in a worker thread, or (threads off) in the caller's own thread. */
export interface BacktestExecutor {
  /** Feeds a page of candles; resolves with the candles evaluated and the signals so far. */
  feed(candles: readonly Candle[]): Promise<{ evaluated: number; signals: number }>;
  result(costs: CostModel): Promise<BacktestResult>;
  /** Ends it at once, even mid-page. */
  close(): Promise<void>;
}

const WORKER = new URL('./backtest-worker.ts', import.meta.url);

/**
 * How a worker thread loads the TypeScript sources: a worker does not inherit the loader hooks of its parent (tsx
 * in development, vite under vitest), so it registers tsx's own ESM hooks before importing the worker file.
 */
function workerSource(file: URL): string {
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file.href)}); })`;
}

/** A backtest session in a worker thread of its own: its CPU work never delays the caller's event loop. */
export class BacktestThread implements BacktestExecutor {
  readonly #worker: Worker;
  #pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | null = null;
  #failure: Error | null = null;

  constructor(plan: BacktestPlan, models: readonly ModelFile[] = []) {
    const start: WorkerStart = { plan, models };
    this.#worker = new Worker(workerSource(WORKER), { eval: true, workerData: start });
    this.#worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending;
      this.#pending = null;
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.#failure = error;
      const pending = this.#pending;
      this.#pending = null;
      pending?.reject(error);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the backtest worker exited (code ${code})`)));
  }

  async feed(candles: readonly Candle[]): Promise<{ evaluated: number; signals: number }> {
    const reply = await this.#request({ type: 'feed', candles });
    if (reply.type !== 'fed') throw new Error('the backtest worker answered out of turn');
    return { evaluated: reply.evaluated, signals: reply.signals };
  }

  async result(costs: CostModel): Promise<BacktestResult> {
    const reply = await this.#request({ type: 'result', costs });
    if (reply.type !== 'result') throw new Error('the backtest worker answered out of turn');
    return reply.result;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #request(request: WorkerRequest): Promise<WorkerReply> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#pending !== null) return Promise.reject(new Error('one request at a time'));
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(request);
    }).then((reply) => {
      if (reply.type === 'error') throw new Error(reply.message);
      return reply;
    });
  }
}

/** The same session in the caller's thread (`BACKTEST_THREADS=false`), for a host that cannot start threads. */
export class InlineBacktest implements BacktestExecutor {
  readonly #session: Promise<BacktestSession>;

  constructor(plan: BacktestPlan, models: readonly ModelFile[] = []) {
    this.#session = openBacktestSession({ plan, models });
    // A failure to open is reported by the first request.
    this.#session.catch(() => {});
  }

  async feed(candles: readonly Candle[]): Promise<{ evaluated: number; signals: number }> {
    const session = await this.#session;
    await session.feed(candles);
    return { evaluated: session.evaluated, signals: session.signalCount };
  }

  async result(costs: CostModel): Promise<BacktestResult> {
    return (await this.#session).result(costs);
  }

  async close(): Promise<void> {}
}
