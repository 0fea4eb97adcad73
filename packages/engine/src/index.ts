export * from './document/templates.ts';
export * from './document/validate.ts';
export {
  backtest,
  DEFAULT_HISTORY_SIZE,
  type EngineStats,
  InferenceEngine,
  type InferenceEngineOptions,
  type RejectedStrategy,
} from './engine.ts';
export {
  defaultParameters,
  type EmaCrossoverParameters,
  type ParameterProblem,
  type ParametersOf,
  parameterNames,
  type RsiReversionParameters,
  resolveParameters,
  validateStrategyParameters,
} from './parameters.ts';
export {
  buildSignal,
  decimalString,
  type PreparedCandle,
  prepareCandle,
  type SignalSizing,
  trimDecimal,
} from './signal.ts';
export { createStrategy } from './strategies/create.ts';
export { EmaCrossover } from './strategies/ema-crossover.ts';
export { RsiReversion } from './strategies/rsi-reversion.ts';
export type { Advice, CandleValues, MarketSnapshot, Strategy } from './types.ts';
