export type { StrategyServiceDeps, VersionStats } from './context.ts';
export type { StrategyEvent } from './events.ts';
export { startStrategySubgraph } from './subgraph.ts';
