import { readFileSync } from 'node:fs';
import type { Trade } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { BUNDLED_TRADES } from './fixtures.ts';
import { QUARANTINE_REASONS, TradeChecker } from './quality.ts';
import { parseBinanceTrade } from './trade.ts';

const NOW = 1_700_000_000_000;

function trade(price: string, extra: Partial<Trade> = {}): Trade {
  return {
    source: 'binance',
    symbol: 'ETHUSDT',
    tradeId: '1',
    time: NOW,
    price,
    quantity: '0.5',
    priceNum: Number(price),
    quantityNum: 0.5,
    takerSide: 'BUY',
    ...extra,
  };
}

function checker(options: ConstructorParameters<typeof TradeChecker>[0] = {}): TradeChecker {
  return new TradeChecker({ now: () => NOW, isKnownSymbol: (s) => s === 'ETHUSDT', ...options });
}

describe('TradeChecker', () => {
  it('lists the reasons, DUPLICATE_ID included for the feed manager', () => {
    expect(QUARANTINE_REASONS).toEqual([
      'NON_POSITIVE',
      'TOO_PRECISE',
      'PRICE_BAND',
      'FUTURE_TIME',
      'DUPLICATE_ID',
      'UNKNOWN_SYMBOL',
    ]);
  });

  it('releases a sound trade', () => {
    expect(checker().check(trade('1666.8'))).toBeNull();
  });

  it('refuses a zero price or quantity as parsed from the wire', () => {
    const line = (p: string, q: string) =>
      JSON.stringify({ e: 'trade', E: NOW, s: 'ETHUSDT', t: 1, p, q, T: NOW, m: false, M: true });
    expect(checker().check(parseBinanceTrade(line('0.00000000', '1')))).toBe('NON_POSITIVE');
    expect(checker().check(parseBinanceTrade(line('1666.8', '0.000')))).toBe('NON_POSITIVE');
  });

  it('refuses more than maxDecimals fraction digits in price or quantity', () => {
    const c = checker();
    expect(c.check(trade(`0.${'1'.repeat(18)}`))).toBeNull();
    expect(c.check(trade(`0.${'1'.repeat(19)}`))).toBe('TOO_PRECISE');
    expect(c.check(trade('1', { quantity: `1.${'0'.repeat(19)}` }))).toBe('TOO_PRECISE');
    expect(checker({ maxDecimals: 2 }).check(trade('1.234'))).toBe('TOO_PRECISE');
  });

  it('refuses a trade time more than maxFutureMs ahead of the clock', () => {
    const c = checker();
    expect(c.check(trade('1', { time: NOW + 5_000 }))).toBeNull();
    expect(c.check(trade('1', { time: NOW + 5_001 }))).toBe('FUTURE_TIME');
    expect(checker({ maxFutureMs: 0 }).check(trade('1', { time: NOW + 1 }))).toBe('FUTURE_TIME');
  });

  it('refuses an unknown symbol before anything else', () => {
    expect(checker().check(trade('0', { symbol: 'NOPE' }))).toBe('UNKNOWN_SYMBOL');
  });

  it('refuses a price more than priceBandPct away from the last accepted one', () => {
    const c = checker();
    expect(c.check(trade('1000'))).toBeNull(); // no reference yet
    c.accept(trade('1000'));
    // 20 % of 1,000 = 200: the band is [800, 1200], both ends inside.
    expect(c.check(trade('1200'))).toBeNull();
    expect(c.check(trade('800'))).toBeNull();
    expect(c.check(trade('1200.01'))).toBe('PRICE_BAND');
    expect(c.check(trade('799.99'))).toBe('PRICE_BAND');
    // A refused trade does not move the band; an accepted one does.
    c.accept(trade('1100'));
    expect(c.check(trade('1300'))).toBeNull();
    expect(c.lastPrice('ETHUSDT')).toBe(1100);
    c.forget('ETHUSDT');
    expect(c.check(trade('5000'))).toBeNull();
    expect(c.lastPrice('ETHUSDT')).toBeNull();
  });

  it('keeps a band per symbol and honours a custom width', () => {
    const c = checker({ priceBandPct: 5, isKnownSymbol: () => true });
    c.accept(trade('100'));
    expect(c.check(trade('106', { symbol: 'BTCUSDT' }))).toBeNull();
    expect(c.check(trade('105'))).toBeNull();
    expect(c.check(trade('106'))).toBe('PRICE_BAND');
  });

  it('passes every trade of a real recording', () => {
    const c = new TradeChecker({ now: () => NOW });
    const lines = readFileSync(BUNDLED_TRADES, 'utf8').trim().split('\n');
    const reasons = lines.map((l) => {
      const t = parseBinanceTrade(l);
      const reason = c.check(t);
      if (reason === null) c.accept(t);
      return reason;
    });
    expect(reasons.filter((r) => r !== null)).toEqual([]);
  });

  it('rejects nonsensical options', () => {
    expect(() => new TradeChecker({ priceBandPct: 0 })).toThrow(RangeError);
    expect(() => new TradeChecker({ maxFutureMs: -1 })).toThrow(RangeError);
    expect(() => new TradeChecker({ maxDecimals: 1.5 })).toThrow(RangeError);
  });
});
