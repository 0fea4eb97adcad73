import { parentPort, workerData } from 'node:worker_threads';
import type { Candle } from '@alphintra/core';
import type { CostModel } from '@alphintra/engine';
import { openBacktestSession, type WorkerReply, type WorkerRequest, type WorkerStart } from './backtest-thread.ts';

// The body of a backtest worker thread: one session, fed pages of candles by the runner (which owns every
// connection, so this works the same over PGlite, which lives in the runner's thread, and PostgreSQL).
const port = parentPort;
if (port === null) throw new Error('backtest-worker.ts runs as a worker thread');
const opening = openBacktestSession(workerData as WorkerStart);
// A failure to open (a model that does not load) is the answer to the first request.
opening.catch(() => {});
port.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const session = await opening;
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
