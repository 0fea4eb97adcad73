export type { SignalServiceDeps } from './context.ts';
export { matchesFilter } from './filter.ts';
export { startSignalSubgraph } from './subgraph.ts';
