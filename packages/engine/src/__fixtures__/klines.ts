import { readFileSync } from 'node:fs';
import { type Candle, INTERVALS } from '@alphintra/core';

/** Symbol of the recorded altcoin/BTC candles (Nov 2017) in this folder. */
export const FIXTURE_SYMBOL = 'UNITTESTBTC';

/**
 * The first 3,000 real 1-minute candles of /work/shared/data/market/klines-1m-UNITTESTBTC.csv (copied here so
 * tests do not depend on the shared folder), as platform candles. The file has no trade counts or last-trade
 * times: those are set to 0 and closeTime - 1.
 */
export function loadKlines(): Candle[] {
  return parseKlines(readFileSync(new URL('./klines-1m-UNITTESTBTC.csv', import.meta.url), 'utf8'));
}

/** All 13,681 recorded candles of fixtures/market/klines-1m-UNITTESTBTC.csv, as platform candles. */
export function loadRecordedKlines(): Candle[] {
  return parseKlines(
    readFileSync(new URL('../../../../fixtures/market/klines-1m-UNITTESTBTC.csv', import.meta.url), 'utf8'),
  );
}

function parseKlines(text: string): Candle[] {
  const lines = text.trim().split('\n').slice(1);
  return lines.map((line) => {
    const [openTime, open, high, low, close, volume] = line.split(',') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const start = Number(openTime);
    const closeTime = start + INTERVALS['1m'];
    return {
      symbol: FIXTURE_SYMBOL,
      interval: '1m',
      openTime: start,
      closeTime,
      open,
      high,
      low,
      close,
      volume,
      trades: 0,
      lastTradeTime: closeTime - 1,
      source: 'replay',
      complete: true,
    };
  });
}
