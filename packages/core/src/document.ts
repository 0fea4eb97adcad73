import type { Interval } from './market.ts';

/**
 * A no-code strategy: pure data the engine interprets, never code. Published as `schema/strategy.schema.json`.
 *
 * ```json
 * {
 *   "version": 1,
 *   "interval": "1m",
 *   "indicators": {
 *     "fast": { "type": "EMA", "period": 9 },
 *     "slow": { "type": "EMA", "period": 21 },
 *     "atr": { "type": "ATR", "period": 14 }
 *   },
 *   "rules": [
 *     { "id": "golden-cross", "side": "BUY", "when": { "crossesAbove": [{ "ind": "fast" }, { "ind": "slow" }] } },
 *     { "id": "death-cross", "side": "SELL", "when": { "crossesBelow": [{ "ind": "fast" }, { "ind": "slow" }] } }
 *   ],
 *   "stopLoss": { "atr": "atr", "multiple": 2 },
 *   "takeProfit": { "atr": "atr", "multiple": 3 },
 *   "sizing": { "riskAmount": 100 },
 *   "confidence": 0.6,
 *   "cooldownBars": 3,
 *   "lifetimeBars": 10
 * }
 * ```
 */
export interface StrategyDocument {
  /** The document language version: 1. */
  readonly version: 1;
  /** The candle interval the strategy runs on. */
  readonly interval: Interval;
  /** Named indicators; a name is referenced as `{ "ind": name }`. Names: `^[A-Za-z][A-Za-z0-9_]{0,31}$`. */
  readonly indicators: Readonly<Record<string, IndicatorSpec>>;
  /**
   * Entry rules, evaluated in order on each closed candle; the first whose condition holds fires (one signal per
   * candle at most). Each rule has a stable `id` that the signal's explanation names.
   */
  readonly rules: readonly EntryRule[];
  readonly stopLoss: LevelSpec;
  readonly takeProfit: LevelSpec;
  /** How much to trade; absent = no quantity (the signal's `quantity` is null). */
  readonly sizing?: SizingSpec;
  /** The signal's confidence, clamped to [0, 1]; a number or an expression. Default 0.5. */
  readonly confidence?: Expr;
  /** Candles after a signal during which the strategy gives no other signal. Default 0. */
  readonly cooldownBars?: number;
  /** How many candles a signal stays valid: `expiresAt` = the signal's time + lifetimeBars x interval. Default 1. */
  readonly lifetimeBars?: number;
  /**
   * The model an `AI_ML` strategy's rules read (`{ "model": output }`), pinned to one immutable version by its
   * number and checksum. Absent in a rule strategy.
   */
  readonly model?: ModelPin;
}

/** One immutable version of a registered model, as a document names it. */
export interface ModelPin {
  readonly name: string;
  readonly version: number;
  /** `sha256:` and the hex SHA-256 of the ONNX bytes. */
  readonly checksum: string;
}

/**
 * What a model reads, in the document language's terms: its own named indicators and one named expression per
 * input column (indicator values, candle fields, their lags, arithmetic). The same definition computes the rows a
 * model is trained on and the rows it is given live or in a backtest.
 */
export interface ModelFeatures {
  readonly indicators: Readonly<Record<string, IndicatorSpec>>;
  /** The model's input columns, in order. */
  readonly inputs: readonly ModelInput[];
}

/** One input column of a model. Its value never reads a model. */
export interface ModelInput {
  /** `^[A-Za-z][A-Za-z0-9_]{0,31}$`, unique among the inputs. */
  readonly name: string;
  readonly value: Expr;
}

/** A model version as the engine needs it: what it reads and the names of its output columns. */
export interface ModelDefinition extends ModelPin {
  readonly features: ModelFeatures;
  /** Names of the output columns, in order; a document reads one as `{ "model": name }`. */
  readonly outputs: readonly string[];
}

/** Bounds of a registered model. */
export const MODEL_LIMITS = {
  /** Default size cap of the ONNX bytes (the platform's `MAX_MODEL_BYTES`). */
  maxBytes: 512 * 1024,
  maxInputs: 64,
  maxOutputs: 16,
} as const;

/** The checksum a model version is pinned by: `sha256:<hex>`. */
export const MODEL_CHECKSUM_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** A candle field. `hl2` = (high + low) / 2, `hlc3` = (high + low + close) / 3, `ohlc4` = their mean with open. */
export type CandleField = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4';

/** What a single-input indicator reads: a candle field (default `close`) or another indicator's value. */
export type Source = CandleField | IndicatorRef;

/** Another indicator's value; `out` picks one output of a multi-output indicator (MACD, BBANDS, STOCH). */
export interface IndicatorRef {
  readonly ind: string;
  readonly out?: string;
}

/** The indicators a document may use. Periods are whole numbers from 1 to `MAX_PERIOD`. */
export type IndicatorSpec =
  /** Simple, exponential and weighted moving averages, Wilder's RSI, rate of change (%), rolling max / min. */
  | {
      readonly type: 'SMA' | 'EMA' | 'WMA' | 'RSI' | 'ROC' | 'HIGHEST' | 'LOWEST';
      readonly period: number;
      readonly source?: Source;
    }
  /** Outputs `line` (default), `signal`, `histogram`. */
  | {
      readonly type: 'MACD';
      readonly fast: number;
      readonly slow: number;
      readonly signal: number;
      readonly source?: Source;
    }
  /** Bollinger bands: outputs `middle` (default), `upper`, `lower`, `percentB`. */
  | { readonly type: 'BBANDS'; readonly period: number; readonly stdDev: number; readonly source?: Source }
  /** Average true range (Wilder) over candles. */
  | { readonly type: 'ATR'; readonly period: number }
  /** Stochastic oscillator over candles: outputs `k` (default), `d`. */
  | { readonly type: 'STOCH'; readonly k: number; readonly d: number }
  /** Volume-weighted average price of the typical price over the last `period` candles. */
  | { readonly type: 'VWAP'; readonly period: number }
  /** On-balance volume. */
  | { readonly type: 'OBV' }
  /** Simple moving average of volume. */
  | { readonly type: 'VOLUME_SMA'; readonly period: number };

/** A number-valued expression. */
export type Expr =
  | number
  /** The current candle's field. */
  | { readonly field: CandleField; readonly ago?: number }
  /** An indicator's value; `ago` candles back (0 = now, at most `MAX_AGO`). */
  | { readonly ind: string; readonly out?: string; readonly ago?: number }
  /** An output of the document's model on this candle (`ago` candles back); unknown while a feature is. */
  | { readonly model: string; readonly ago?: number }
  | { readonly add: readonly [Expr, Expr] }
  | { readonly sub: readonly [Expr, Expr] }
  | { readonly mul: readonly [Expr, Expr] }
  /** Division; a zero divisor makes the value unknown (the condition using it is false). */
  | { readonly div: readonly [Expr, Expr] }
  | { readonly abs: Expr }
  | { readonly min: readonly [Expr, Expr] }
  | { readonly max: readonly [Expr, Expr] };

/**
 * A condition. A comparison with an unknown operand (an indicator not warmed up yet) is false.
 * `crossesAbove: [a, b]` holds when a > b now and a <= b on the previous candle (TradingView's `ta.crossover`).
 */
export type Condition =
  | { readonly crossesAbove: readonly [Expr, Expr] }
  | { readonly crossesBelow: readonly [Expr, Expr] }
  | { readonly gt: readonly [Expr, Expr] }
  | { readonly gte: readonly [Expr, Expr] }
  | { readonly lt: readonly [Expr, Expr] }
  | { readonly lte: readonly [Expr, Expr] }
  /** value, low, high: low <= value <= high. */
  | { readonly between: readonly [Expr, Expr, Expr] }
  | { readonly and: readonly Condition[] }
  | { readonly or: readonly Condition[] }
  | { readonly not: Condition }
  /** The condition held on each of the last `bars` candles, this one included. */
  | { readonly forBars: { readonly bars: number; readonly cond: Condition } };

export interface EntryRule {
  /** A name for the rule, unique in the document (`^[A-Za-z0-9_-]{1,40}$`); the signal's explanation names it. */
  readonly id: string;
  readonly side: 'BUY' | 'SELL';
  readonly when: Condition;
  /** This rule's confidence, instead of the document's (e.g. a model's probability of its side). */
  readonly confidence?: Expr;
}

/**
 * Where a stop loss or take profit goes, from the entry price (the candle's close), on the losing side for a
 * stop and the winning side for a target:
 * - `{ percent }`: that percentage of the entry price away;
 * - `{ atr, multiple }`: `multiple` times the named ATR indicator's value away;
 * - `{ price }`: an absolute level, e.g. `{ "price": { "ind": "bb", "out": "lower" } }`; a level on the wrong side
 *   of the entry suppresses the signal.
 */
export type LevelSpec =
  | { readonly percent: number }
  | { readonly atr: string; readonly multiple: number }
  | { readonly price: Expr };

/**
 * - `{ quantity }`: a fixed base-asset quantity;
 * - `{ quoteAmount }`: buy or sell that much quote currency's worth at the entry price;
 * - `{ riskAmount }`: lose at most that much quote currency at the stop: riskAmount / |entry - stop|.
 */
export type SizingSpec =
  | { readonly quantity: number }
  | { readonly quoteAmount: number }
  | { readonly riskAmount: number };

/** One thing wrong with a document, with the JSON path to it (`/rules/0/when/crossesAbove/1/ind`). */
export interface DocumentProblem {
  readonly path: string;
  readonly message: string;
}

/** Hard bounds: a document can never ask for unbounded work. */
export const DOCUMENT_LIMITS = {
  /** Longest indicator period (also bounded by the stored history the engine can warm up on). */
  maxPeriod: 1_000,
  maxIndicators: 32,
  maxRules: 16,
  /** Nodes in all expressions and conditions of the document together. */
  maxNodes: 256,
  /** Deepest nesting of an expression or condition. */
  maxDepth: 12,
  /** Largest `ago` and `forBars.bars`. */
  maxAgo: 100,
  maxCooldownBars: 10_000,
  maxLifetimeBars: 10_000,
  maxMultiple: 100,
  maxPercent: 100,
  /** Largest sizing amount or quantity. */
  maxAmount: 1e12,
} as const;
