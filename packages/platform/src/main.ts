/**
 * `pnpm start`: the whole platform in one process, configured from the environment; with `PLATFORM_ROLE=api`, only
 * its API (subgraphs and gateway) for a platform running in another process.
 */
import { DataDirInUseError } from '@alphintra/db/pglite';
import { loadConfig } from './config.ts';
import { processLog } from './log.ts';
import { startApiProcess, startPlatform } from './platform.ts';

const log = (() => {
  try {
    return processLog('platform');
  } catch (error) {
    // A bad LOG_LEVEL or LOG_FORMAT: there is no log to say it with yet.
    console.error(error instanceof Error ? error.message : String(error));
    return process.exit(1);
  }
})();

/** Says what went wrong in one line a user can act on, and exits. */
function fail(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') {
    const { port } = error as { port?: number };
    log.error(`port ${port ?? ''} is already in use: stop the other process or set PORT (gateway) to a free port`);
  } else if (error instanceof DataDirInUseError) {
    log.error(error.message);
  } else {
    log.error('cannot start', error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    return process.exit(1);
  }
})();
const started = performance.now();
const running: { close(): Promise<void> } = await (async () => {
  if (config.role === 'api') {
    const api = await startApiProcess(config).catch(fail);
    log.info(`API process up in ${Math.round(performance.now() - started)} ms, serving the platform on its database`);
    log.info(`subgraphs: ${api.subgraphs.map((s) => `${s.name} ${s.url}`).join(', ')}`);
    log.info(`gateway: http://localhost:${new URL(api.gateway.url).port}/graphql (GraphiQL in a browser)`);
    return api;
  }
  // A first start also runs the example model's AI_ML strategy beside the two rule strategies.
  const platform = await startPlatform({ ...config, seedModelStrategy: true }).catch(fail);
  const { engines } = platform;
  log.info(
    `up in ${Math.round(performance.now() - started)} ms: database ${engines.database}, pub/sub ${engines.pubsub}, bus ${engines.bus}`,
  );
  const { replay, live } = config.marketData;
  if (replay !== null) {
    log.info(`replaying ${replay.join(', ')} at ${config.replaySpeed}x${config.replayLoop ? ', looping' : ''}`);
  } else if (live !== null) {
    log.info(
      `live market data from binance${live.coinbase ? ' (backup: coinbase)' : ''}: ${platform.marketData.symbols.join(', ')}`,
    );
  }
  log.info(`subgraphs: ${platform.subgraphs.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  log.info(`gateway: http://localhost:${new URL(platform.gateway.url).port}/graphql (GraphiQL in a browser)`);
  const statsTimer = setInterval(() => {
    const md = platform.marketData.stats;
    const dist = platform.distributor.stats;
    log.info(
      `trades ${md.trades}, candles ${md.candles}, quarantined ${md.quarantined}, signals stored ${dist.stored}`,
    );
  }, 30_000);
  statsTimer.unref();
  return platform;
})();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  // A part that cannot close (a server that never answers) must not keep the process alive forever.
  setTimeout(() => {
    log.error('shutdown took over 15 s; exiting anyway');
    process.exit(1);
  }, 15_000).unref();
  await running.close();
  process.exit(0);
}
// A failure inside one request or message must not take the platform down: report it and carry on.
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
