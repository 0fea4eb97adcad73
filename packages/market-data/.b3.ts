import { BUNDLED_TRADES, readTradeFile, ReplayFeed } from './src/index.ts';
for (let k = 0; k < 4; k++) {
  let t0 = performance.now(); let c = 0; for await (const _ of readTradeFile(BUNDLED_TRADES)) c++;
  const a = (c / ((performance.now() - t0) / 1000) / 1e6).toFixed(2);
  t0 = performance.now(); let n = 0;
  const feed = new ReplayFeed({ file: BUNDLED_TRADES, speed: Infinity, loop: true, onTrade: () => { if (++n === 100_000) feed.stop(); } });
  await feed.start();
  console.log('readTradeFile', a, 'M/s; ReplayFeed(Infinity, loop) ', (n / ((performance.now() - t0) / 1000) / 1e6).toFixed(2), 'M/s');
}
