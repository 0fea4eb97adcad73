import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed resolvers for one subgraph, from its SDL, with its context and row-type mappers. */
function subgraph(name: string, context: string, mappers: Record<string, string>) {
  return {
    schema: `schema/${name}.graphql`,
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useIndexSignature: true,
      useTypeImports: true,
      enumsAsTypes: true,
      contextType: context,
      mappers,
      scalars: { DateTime: 'Date | string | number', Decimal: 'string', JSON: 'unknown' },
    },
  };
}

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/strategy/src/__generated__/resolvers.ts': subgraph('strategy', '../context.ts#StrategyContext', {
      Strategy: '@alphintra/db#StrategyRecord as StrategyModel',
      StrategyVersion: '@alphintra/db#StrategyVersionRecord as StrategyVersionModel',
      StrategyRun: '@alphintra/db#StrategyRunRecord as StrategyRunModel',
      StrategyVersionStats: '../context.ts#VersionStats',
      ApiKey: '@alphintra/db#ApiKeyRecord as ApiKeyModel',
      AuditRecord: '@alphintra/db#AuditRecord as AuditRecordModel',
      Model: '@alphintra/db#ModelRecord as ModelModel',
      ModelVersion: '@alphintra/db#ModelVersionRecord as ModelVersionModel',
    }),
    'subgraphs/market-data/src/__generated__/resolvers.ts': subgraph('market-data', '../context.ts#MarketDataContext', {
      Candle: '@alphintra/core#Candle as CandleModel',
      Instrument: '../context.ts#InstrumentState',
    }),
    'subgraphs/signal/src/__generated__/resolvers.ts': subgraph('signal', '../context.ts#SignalContext', {
      Signal: '@alphintra/core#Signal as SignalModel',
      SignalOutcome: '@alphintra/db#OutcomeRecord as SignalOutcomeModel',
      Strategy: '../context.ts#StrategyRef',
      Webhook: '@alphintra/db#WebhookRecord as WebhookModel',
      WebhookDelivery: '@alphintra/db#WebhookDeliveryRecord as WebhookDeliveryModel',
      WebhookAttempt: '@alphintra/db#WebhookAttemptRecord as WebhookAttemptModel',
      Backtest: '@alphintra/db#BacktestRecord as BacktestModel',
      BacktestResult: '@alphintra/db#BacktestRecord as BacktestResultModel',
      BacktestSignal: '@alphintra/db#BacktestSignalRecord as BacktestSignalModel',
      PerformanceSummary: '@alphintra/engine#PerformanceSummary as PerformanceSummaryModel',
      StrategyPerformance: '../context.ts#StrategyPerformanceModel',
    }),
    'packages/client/src/__generated__/': {
      schema: 'schema/api.graphql',
      documents: 'packages/client/operations/*.graphql',
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Decimal: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
