import { parentPort, workerData } from 'node:worker_threads';
import type { Candle } from '@alphintra/core';
import { type BacktestPlan, BacktestSession, type CostModel } from '@alphintra/engine';
import type { WorkerReply, WorkerRequest } from './backtest-thread.ts';

// The body of a backtest worker thread: one session, fed pages of candles by the runner (which owns every
// connection, so this works the same over PGlite, which lives in the runner's thread, and PostgreSQL).
const port = parentPort;
if (port === null) throw new Error('backtest-worker.ts runs as a worker thread');
const session = new BacktestSession(workerData as BacktestPlan);
port.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (request.type === 'feed') {
      await session.feed(request.candles as Candle[]);
      reply = { type: 'fed', evaluated: session.evaluated, signals: session.signalCount };
    } else {
      reply = { type: 'result', result: session.result(request.costs as CostModel) };
    }
  } catch (error) {
    reply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
