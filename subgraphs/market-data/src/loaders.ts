import { type Db, getInstruments, type InstrumentRecord, latestCandles } from '@alphintra/db';
import DataLoader from 'dataloader';

/** The last trade of a symbol as its newest stored 1m candle records it. */
export interface LastTrade {
  readonly price: string;
  /** Exchange time, ms. */
  readonly time: number;
}

/** Instruments by symbol, one query per request tick. */
export function instrumentLoader(db: Db): DataLoader<string, InstrumentRecord | undefined> {
  return new DataLoader((symbols) => getInstruments(db, symbols));
}

/** Each symbol's last trade from its newest 1m candle, one query per request tick. */
export function lastTradeLoader(db: Db): DataLoader<string, LastTrade | null> {
  return new DataLoader(async (symbols) => {
    const newest = await latestCandles(db, symbols, '1m');
    return newest.map((candle) => (candle ? { price: candle.close, time: candle.lastTradeTime } : null));
  });
}
