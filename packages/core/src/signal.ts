import { createHash } from 'node:crypto';
import type { StrategySource } from './strategy.ts';
import { isoTime } from './time.ts';

export type SignalAction = 'BUY' | 'SELL';
export type MarketConditions = 'TRENDING_UP' | 'TRENDING_DOWN' | 'RANGING';
export type VolumeProfile = 'HIGH' | 'NORMAL' | 'LOW';
export type OrderType = 'MARKET' | 'LIMIT';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

/** A trading signal as the platform handles it (camelCase); see `toStandardSignal` for the wire format. */
export interface Signal {
  /** Deterministic: see `signalId`. */
  readonly id: string;
  /** Close time of the candle the signal was computed on (ms, UTC): market time, never the wall clock. */
  readonly timestamp: number;
  readonly strategyId: string;
  readonly strategyName: string;
  readonly strategyVersion: number;
  readonly strategySource: StrategySource;
  readonly symbol: string;
  readonly action: SignalAction;
  /** 0..1 */
  readonly confidence: number;
  /** Order size in base units, as a decimal string; null when the strategy does not size orders. */
  readonly quantity: string | null;
  readonly priceTarget: string;
  readonly stopLoss: string;
  readonly takeProfit: string;
  /** 0..1 */
  readonly riskScore: number;
  readonly metadata: {
    readonly marketConditions: MarketConditions;
    /** ATR over close: the typical one-candle move as a fraction of price. */
    readonly volatility: number;
    readonly volumeProfile: VolumeProfile;
  };
  /** Why it fired: the entry rule that matched and the values of the indicators it used, at that candle. */
  readonly explanation: SignalExplanation;
  /** When the signal stops being valid (ms, UTC): its time plus the strategy's signal lifetime. */
  readonly expiresAt: number;
  /** A shadow signal is stored and queryable but never sent to subscribers, Kafka or webhooks. */
  readonly shadow: boolean;
  readonly executionParams: {
    readonly orderType: OrderType;
    readonly timeInForce: TimeInForce;
    /** Fraction of price, e.g. 0.001 = 0.1 %. */
    readonly maxSlippage: number;
  };
  /** Exchange time of the market event that caused the signal (the candle's last trade). */
  readonly marketDataTimestamp: number;
  /** Wall-clock ms from the closing market event's arrival to the signal's publication; null in backtests. */
  readonly latencyMs: number | null;
}

/** Why a signal fired. */
export interface SignalExplanation {
  /** The `id` of the document's entry rule that matched. */
  readonly rule: string;
  /** The indicators the rule used, by name, with their values at the signal's candle (null = not warmed up). */
  readonly indicators: readonly { readonly name: string; readonly value: number | null }[];
}

/**
 * The signal id: a UUID (version 8, name-based) of strategy id, version, symbol and candle close time, so that
 * a replay, a backtest and a live run give the same id to the same signal and a redelivery is a duplicate.
 */
export function signalId(strategyId: string, strategyVersion: number, symbol: string, closeTime: number): string {
  const hex = createHash('sha256').update(`${strategyId}|${strategyVersion}|${symbol}|${closeTime}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The standard signal format (snake_case JSON) of the public contract; see schema/signal.schema.json. */
export interface StandardSignal {
  signal_id: string;
  timestamp: string;
  strategy_id: string;
  strategy_version: number;
  strategy_source: 'no_code' | 'ai_ml';
  symbol: string;
  action: SignalAction;
  confidence: number;
  quantity: number | null;
  price_target: number;
  stop_loss: number;
  take_profit: number;
  risk_score: number;
  metadata: {
    market_conditions: string;
    volatility: number;
    volume_profile: string;
    /** The matched entry rule's id. */
    rule: string;
    /** The rule's indicator values at the signal's candle, by name. */
    indicators: Record<string, number | null>;
  };
  execution_params: { order_type: string; time_in_force: string; max_slippage: number };
  /** ISO 8601, ms, UTC. */
  expires_at: string;
}

/** Version of the standard format, sent as the Kafka header `schema-version`. */
export const SIGNAL_SCHEMA_VERSION = '2';

export function toStandardSignal(signal: Signal): StandardSignal {
  return {
    signal_id: signal.id,
    timestamp: isoTime(signal.timestamp),
    strategy_id: signal.strategyId,
    strategy_version: signal.strategyVersion,
    strategy_source: signal.strategySource === 'AI_ML' ? 'ai_ml' : 'no_code',
    symbol: signal.symbol,
    action: signal.action,
    confidence: signal.confidence,
    quantity: signal.quantity === null ? null : Number(signal.quantity),
    price_target: Number(signal.priceTarget),
    stop_loss: Number(signal.stopLoss),
    take_profit: Number(signal.takeProfit),
    risk_score: signal.riskScore,
    metadata: {
      market_conditions: signal.metadata.marketConditions.toLowerCase(),
      volatility: signal.metadata.volatility,
      volume_profile: signal.metadata.volumeProfile.toLowerCase(),
      rule: signal.explanation.rule,
      indicators: Object.fromEntries(signal.explanation.indicators.map((i) => [i.name, i.value])),
    },
    execution_params: {
      order_type: signal.executionParams.orderType.toLowerCase(),
      time_in_force: signal.executionParams.timeInForce,
      max_slippage: signal.executionParams.maxSlippage,
    },
    expires_at: isoTime(signal.expiresAt),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: the form of every strategy and signal id (anything else cannot exist). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
