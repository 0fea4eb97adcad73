import { type Candle, type StrategySpec, signalId } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import type { Decision } from './document/compile.ts';
import { buildSignal, decimalString, prepareCandle, trimDecimal } from './signal.ts';
import type { MarketSnapshot } from './types.ts';

const spec: StrategySpec = {
  id: 'strategy-1',
  name: 'Cross',
  version: 3,
  source: 'NO_CODE',
  symbols: ['ALTBTC'],
  interval: '1m',
  document: {
    version: 1,
    interval: '1m',
    indicators: {},
    rules: [{ id: 'r', side: 'BUY', when: { gt: [1, 0] } }],
    stopLoss: { percent: 1 },
    takeProfit: { percent: 1 },
  },
  status: 'ACTIVE',
  mode: 'LIVE',
  activatedAt: null,
};

const candle: Candle = {
  symbol: 'ALTBTC',
  interval: '1m',
  openTime: 1_509_836_520_000,
  closeTime: 1_509_836_580_000,
  open: '0.00161000',
  high: '0.00163000',
  low: '0.00160000',
  close: '0.00162000',
  volume: '108.14853839',
  trades: 12,
  lastTradeTime: 1_509_836_579_321,
  source: 'replay',
  complete: true,
};

interface Advice {
  readonly action: 'BUY' | 'SELL';
  readonly confidence: number;
}
const buy: Advice = { action: 'BUY', confidence: 0.7 };
const sell: Advice = { action: 'SELL', confidence: 0.7 };
const calm: MarketSnapshot & { atr: number } = {
  atr: 0.000001,
  marketConditions: 'RANGING',
  volumeProfile: 'NORMAL',
};
const sizing = { stopLossAtr: 2, takeProfitAtr: 3 };

/** A signal whose levels are k ATRs from the close, as the former built-in strategies placed them. */
function signalOf(
  from: Candle,
  advice: Advice,
  market: MarketSnapshot & { readonly atr: number },
  levels: { readonly stopLossAtr: number; readonly takeProfitAtr: number; readonly quantity?: number },
  lifetimeBars = 1,
) {
  const prepared = prepareCandle(from);
  const close = prepared.values.close;
  const direction = advice.action === 'BUY' ? 1 : -1;
  const decision: Decision = {
    rule: 'r',
    action: advice.action,
    entry: close,
    stopLoss: close - direction * levels.stopLossAtr * market.atr,
    takeProfit: close + direction * levels.takeProfitAtr * market.atr,
    quantity: levels.quantity ?? null,
    confidence: advice.confidence,
    indicators: [{ name: 'fast', value: 1.5 }],
  };
  return buildSignal(spec, prepared, decision, market, lifetimeBars);
}

describe('buildSignal', () => {
  it('labels the signal with the candle, never the clock', () => {
    const signal = signalOf(candle, buy, calm, sizing);
    expect(signal.id).toBe(signalId('strategy-1', 3, 'ALTBTC', 1_509_836_580_000));
    expect(signal.timestamp).toBe(candle.closeTime);
    expect(signal.marketDataTimestamp).toBe(candle.lastTradeTime);
    expect(signal.latencyMs).toBeNull();
    expect(signal).toMatchObject({
      strategyId: 'strategy-1',
      strategyName: 'Cross',
      strategyVersion: 3,
      strategySource: 'NO_CODE',
      symbol: 'ALTBTC',
      action: 'BUY',
      confidence: 0.7,
      quantity: null,
    });
  });

  it('puts the stop below and the target above the close for BUY, with 8 decimals at least', () => {
    const signal = signalOf(candle, buy, calm, sizing);
    expect(signal.priceTarget).toBe('0.00162');
    expect(signal.stopLoss).toBe('0.001618');
    expect(signal.takeProfit).toBe('0.001623');
  });

  it('mirrors stop and target for SELL', () => {
    const signal = signalOf(candle, sell, calm, sizing);
    expect(signal.stopLoss).toBe('0.001622');
    expect(signal.takeProfit).toBe('0.001617');
  });

  it('keeps the precision of prices quoted with more than 8 decimals', () => {
    const fine = { ...candle, open: '0.0000016100', high: '0.0000016300', low: '0.0000016000', close: '0.0000016234' };
    const signal = signalOf(fine, buy, { ...calm, atr: 0.0000000011 }, sizing);
    expect(signal.priceTarget).toBe('0.0000016234');
    expect(signal.stopLoss).toBe('0.0000016212');
    expect(signal.takeProfit).toBe('0.0000016267');
  });

  it('never gives a price below one tick, however wide the stop', () => {
    const signal = signalOf(candle, buy, { ...calm, atr: 0.01 }, sizing);
    expect(signal.stopLoss).toBe('0.00000001');
    const short = signalOf(candle, sell, { ...calm, atr: 0.01 }, sizing);
    expect(short.takeProfit).toBe('0.00000001');
  });

  it('reports volatility as ATR / close and a risk score that grows with it, within 0..1', () => {
    const calmSignal = signalOf(candle, buy, calm, sizing);
    const wild = signalOf(candle, buy, { ...calm, atr: 0.0001 }, sizing);
    expect(calmSignal.metadata.volatility).toBe(0.000617284); // 0.000001 / 0.00162, 6 significant digits
    expect(wild.metadata.volatility).toBe(0.0617284);
    expect(wild.riskScore).toBeGreaterThan(calmSignal.riskScore);
    for (const score of [calmSignal.riskScore, wild.riskScore]) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(calmSignal.metadata).toMatchObject({ marketConditions: 'RANGING', volumeProfile: 'NORMAL' });
  });

  it('asks for LIMIT + GTC in a calm market, MARKET + IOC when volatile or on high volume', () => {
    expect(signalOf(candle, buy, calm, sizing).executionParams).toEqual({
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      maxSlippage: 0.000154321, // volatility / 4
    });
    expect(signalOf(candle, buy, { ...calm, atr: 0.00001 }, sizing).executionParams).toEqual({
      orderType: 'MARKET',
      timeInForce: 'IOC',
      maxSlippage: 0.00308642, // volatility / 2
    });
    expect(signalOf(candle, buy, { ...calm, volumeProfile: 'HIGH' }, sizing).executionParams).toEqual({
      orderType: 'MARKET',
      timeInForce: 'IOC',
      maxSlippage: 0.0005, // the floor
    });
  });

  it('carries the explanation, the expiry after lifetimeBars candles and the shadow flag', () => {
    const signal = signalOf(candle, buy, calm, sizing, 10);
    expect(signal.explanation).toEqual({ rule: 'r', indicators: [{ name: 'fast', value: 1.5 }] });
    expect(signal.expiresAt).toBe(candle.closeTime + 10 * 60_000);
    expect(signal.shadow).toBe(false);
  });

  it('sizes the order from the decision quantity as a plain decimal', () => {
    expect(signalOf(candle, buy, calm, { ...sizing, quantity: 0.25 }).quantity).toBe('0.25');
    expect(signalOf(candle, buy, calm, { ...sizing, quantity: 1.5e-7 }).quantity).toBe('0.00000015');
  });
});

describe('decimal helpers', () => {
  it('decimalString never uses exponent notation', () => {
    expect(decimalString(1)).toBe('1');
    expect(decimalString(0.001)).toBe('0.001');
    expect(decimalString(1e-8)).toBe('0.00000001');
    expect(decimalString(1.23e-10)).toBe('0.000000000123');
    expect(decimalString(2e21)).toBe('2000000000000000000000');
  });

  it('trimDecimal drops trailing fractional zeros only', () => {
    expect(trimDecimal('0.00162000')).toBe('0.00162');
    expect(trimDecimal('100.000')).toBe('100');
    expect(trimDecimal('100')).toBe('100');
  });
});
