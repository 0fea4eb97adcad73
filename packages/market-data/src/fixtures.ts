import { fileURLToPath } from 'node:url';

/** Absolute path of the bundled recording: 12,477 real Binance XRP/ETH trades of October 2019 (ndjson). */
export const BUNDLED_TRADES: string = fileURLToPath(
  new URL('../../../fixtures/market/binance-trade-XRPETH.ndjson', import.meta.url),
);
