export { candleChannel, type InstrumentState, type MarketDataServiceDeps } from './context.ts';
export { startMarketDataSubgraph } from './subgraph.ts';
