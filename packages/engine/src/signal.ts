import {
  type Candle,
  decimalPlaces,
  formatPrice,
  INTERVALS,
  type OrderType,
  type Signal,
  type StrategySpec,
  signalId,
  type TimeInForce,
} from '@alphintra/core';
import type { Decision } from './document/compile.ts';
import { clamp01, round4, significant6 } from './math.ts';
import type { CandleValues, MarketSnapshot } from './types.ts';

/** Prices are never formatted with fewer decimals than this, whatever the candle shows. */
export const MIN_PRICE_DECIMALS = 8;
/** Volatility (ATR / close) at or above which a signal asks for an immediate market order. */
export const FAST_MARKET_VOLATILITY = 0.002;
/** Volatility and stop distance (fractions of price) at which each half of the risk score reaches 1 - 1/e. */
export const RISK_VOLATILITY_SCALE = 0.01;
export const RISK_STOP_SCALE = 0.03;

/** Everything `buildSignal` needs to know about the candle, parsed once and shared by all strategies on it. */
export interface PreparedCandle {
  readonly candle: Candle;
  readonly values: CandleValues;
  /** max(8, decimal places of the candle's prices): the precision stops and targets are formatted with. */
  readonly decimals: number;
}

/** Parses a candle's numbers once for every strategy that reads it. */
export function prepareCandle(candle: Candle): PreparedCandle {
  return {
    candle,
    values: {
      open: Number(candle.open),
      high: Number(candle.high),
      low: Number(candle.low),
      close: Number(candle.close),
      volume: Number(candle.volume),
    },
    decimals: Math.max(
      MIN_PRICE_DECIMALS,
      decimalPlaces(candle.open),
      decimalPlaces(candle.high),
      decimalPlaces(candle.low),
      decimalPlaces(candle.close),
    ),
  };
}

/**
 * Turns a document's decision on a candle into a complete signal. A pure function of its arguments: the id,
 * timestamp and expiry come from the candle, never from the clock.
 *
 * - stop loss / take profit: the decision's levels, floored at one tick (10^-decimals) so a volatile penny market
 *   never gets a non-positive price, formatted with max(8, decimals of the candle's prices).
 * - expiry: close time + lifetimeBars x the candle's interval.
 * - risk score: the mean of 1 - e^(-volatility / 1 %) and 1 - e^(-stop distance / 3 %): 0 for a calm market with a
 *   tight stop, towards 1 as either grows; volatility = the market ATR over close (0 until it is warm).
 * - execution: MARKET + IOC when volatility >= 0.2 % per candle or volume is HIGH (the move is happening now and a
 *   resting order would miss it), max slippage = volatility / 2 within 0.05 %..1 %; otherwise LIMIT + GTC at the
 *   target price, max slippage = volatility / 4 within 0.01 %..1 %.
 */
export function buildSignal(
  spec: StrategySpec,
  prepared: PreparedCandle,
  decision: Decision,
  market: MarketSnapshot,
  lifetimeBars: number,
): Signal {
  const { candle, values, decimals } = prepared;
  const close = values.close;
  const tick = 10 ** -decimals;
  const stopLoss = Math.max(tick, decision.stopLoss);
  const takeProfit = Math.max(tick, decision.takeProfit);

  const volatility = market.atr !== null && market.atr > 0 ? market.atr / close : 0;
  const stopDistance = Math.abs(close - stopLoss) / close;
  const riskScore =
    0.5 * (1 - Math.exp(-volatility / RISK_VOLATILITY_SCALE)) + 0.5 * (1 - Math.exp(-stopDistance / RISK_STOP_SCALE));

  const fast = volatility >= FAST_MARKET_VOLATILITY || market.volumeProfile === 'HIGH';
  const orderType: OrderType = fast ? 'MARKET' : 'LIMIT';
  const timeInForce: TimeInForce = fast ? 'IOC' : 'GTC';
  const maxSlippage = fast ? bound(volatility / 2, 0.0005, 0.01) : bound(volatility / 4, 0.0001, 0.01);

  return {
    id: signalId(spec.id, spec.version, candle.symbol, candle.closeTime),
    timestamp: candle.closeTime,
    strategyId: spec.id,
    strategyName: spec.name,
    strategyVersion: spec.version,
    strategySource: spec.source,
    symbol: candle.symbol,
    action: decision.action,
    confidence: round4(clamp01(decision.confidence)),
    quantity: decision.quantity === null ? null : decimalString(decision.quantity),
    priceTarget: trimDecimal(candle.close),
    stopLoss: formatPrice(stopLoss, decimals),
    takeProfit: formatPrice(takeProfit, decimals),
    riskScore: round4(clamp01(riskScore)),
    metadata: {
      marketConditions: market.marketConditions,
      volatility: significant6(volatility),
      volumeProfile: market.volumeProfile,
    },
    explanation: { rule: decision.rule, indicators: decision.indicators },
    expiresAt: candle.closeTime + lifetimeBars * INTERVALS[candle.interval],
    shadow: spec.mode === 'SHADOW',
    executionParams: { orderType, timeInForce, maxSlippage: significant6(maxSlippage) },
    marketDataTimestamp: candle.lastTradeTime,
    latencyMs: null,
  };
}

function bound(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Drops trailing fractional zeros of an exchange decimal ("0.00162000" -> "0.00162") without going through a float. */
export function trimDecimal(value: string): string {
  if (!value.includes('.')) return value;
  const trimmed = value.replace(/0+$/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** A finite number as a plain decimal string, never in exponent notation (1.5e-7 -> "0.00000015"). */
export function decimalString(value: number): string {
  const text = String(value);
  const exponent = text.indexOf('e');
  if (exponent < 0) return text;
  const mantissa = text.slice(0, exponent);
  const power = Number(text.slice(exponent + 1));
  if (power > 0) return BigInt(Math.round(value)).toString();
  const mantissaDecimals = decimalPlaces(mantissa.replace('-', ''));
  return trimDecimal(value.toFixed(Math.min(100, mantissaDecimals - power)));
}
