export {
  BACKTEST_WARMUP_CANDLES,
  type BacktestPlan,
  type BacktestResult,
  BacktestSession,
  type BacktestSignal,
  comparePerformance,
  followWindowMs,
  type PerformanceComparison,
} from './backtest-session.ts';
export {
  type CompiledDocument,
  type CompileResult,
  compileDocument,
  DEFAULT_CONFIDENCE,
  DEFAULT_LIFETIME_BARS,
  type Decision,
  type DocumentEvaluator,
  documentLookback,
} from './document/compile.ts';

export {
  IndicatorGraph,
  IndicatorNode,
  NODE_HISTORY,
  NODE_OUTPUTS,
  type NodeInput,
  type NodeKind,
  type NodeSpec,
  nodeSpec,
} from './document/indicators.ts';
export * from './document/templates.ts';
export * from './document/validate.ts';
export {
  type BacktestOptions,
  backtest,
  DEFAULT_HISTORY_SIZE,
  type EngineStats,
  InferenceEngine,
  type InferenceEngineOptions,
  MARKET_ATR_PERIOD,
  type RejectedStrategy,
} from './engine.ts';
export { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM, EXAMPLE_MODEL_FEATURES, featureRows } from './model/example.ts';
export { type LoadedModel, ModelOutputs, modelKey } from './model/model.ts';
export {
  type FollowedSignal,
  followSignal,
  OUTCOME_STATUSES,
  type OutcomeStatus,
  OutcomeTracker,
  type SignalOutcome,
} from './outcome.ts';
export { type CostModel, NO_COSTS, type PerformanceSummary, summarize } from './performance.ts';
export type { VersionStats } from './runner.ts';
export { buildSignal, decimalString, type PreparedCandle, prepareCandle, trimDecimal } from './signal.ts';
export type { CandleValues, MarketSnapshot } from './types.ts';
