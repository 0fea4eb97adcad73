export type { InstrumentState, MarketDataServiceDeps } from './context.ts';
export { startMarketDataSubgraph } from './subgraph.ts';
