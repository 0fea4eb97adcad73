/** `pnpm start`: the whole platform in one process, configured from the environment. */
import { loadConfig } from './config.ts';
import { consoleLog } from './log.ts';
import { startPlatform } from './platform.ts';

const log = consoleLog('platform');
const config = loadConfig();
const started = performance.now();
const platform = await startPlatform(config);
const { engines } = platform;
log.info(
  `up in ${Math.round(performance.now() - started)} ms: database ${engines.database}, pub/sub ${engines.pubsub}, bus ${engines.bus}`,
);
log.info(`replaying ${config.replayFile} at ${config.replaySpeed}x${config.replayLoop ? ', looping' : ''}`);
log.info(`gateway: http://localhost:${new URL(platform.gateway.url).port}/graphql (GraphiQL in a browser)`);

const statsTimer = setInterval(() => {
  const md = platform.marketData.stats;
  const dist = platform.distributor.stats;
  log.info(`trades ${md.replayedTrades}, candles ${md.candles}, signals published ${dist.published}`);
}, 30_000);
statsTimer.unref();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  clearInterval(statsTimer);
  // A part that cannot close (a server that never answers) must not keep the process alive forever.
  setTimeout(() => {
    log.error('shutdown took over 15 s; exiting anyway');
    process.exit(1);
  }, 15_000).unref();
  await platform.close();
  process.exit(0);
}
// A failure inside one request or message must not take the platform down: report it and carry on.
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
