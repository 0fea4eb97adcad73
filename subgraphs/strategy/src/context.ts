import type { Identity } from '@alphintra/auth';
import type { EventBus } from '@alphintra/bus';
import type { Interval, StrategyMode } from '@alphintra/core';
import {
  type Db,
  getStrategies,
  listModelVersions,
  listStrategyRuns,
  listStrategyVersionStats,
  listStrategyVersions,
  type ModelVersionRecord,
  type SignalVersionCount,
  type StrategyRecord,
  type StrategyRunRecord,
  type StrategyVersionRecord,
  type StrategyVersionStats,
  signalCountsByVersion,
} from '@alphintra/db';
import type { RequestContext } from '@alphintra/subgraph-kit';
import DataLoader from 'dataloader';
import type { StrategyEvent } from './events.ts';

/** What the strategy subgraph needs from the platform. */
export interface StrategyServiceDeps {
  readonly db: Db;
  /** Where lifecycle events go (`strategy.events`), for the engine's hot reload. */
  readonly bus: EventBus;
  /** Candle intervals the platform aggregates: a document must run on one of them. */
  readonly intervals: readonly Interval[];
  /** The most strategies (not archived) the platform keeps; unset = no cap. */
  readonly maxStrategies?: number | undefined;
  /** Longest indicator period a document may ask for (at most `DOCUMENT_LIMITS.maxPeriod`, the default). */
  readonly maxPeriod?: number | undefined;
  /** Largest ONNX model `registerModel` accepts, in bytes; default `MODEL_LIMITS.maxBytes` (512 KiB). */
  readonly maxModelBytes?: number | undefined;
  /** Told the id of each API key revoked, once committed (the platform announces it to every gateway). */
  readonly onApiKeyRevoked?: ((apiKeyId: string) => void) | undefined;
  /** Told when an event could not be produced (the mutation still succeeds); default: a console warning. */
  readonly onEventError?: ((error: unknown, event: StrategyEvent) => void) | undefined;
}

/** One version's figures as `Strategy.stats` shows them. */
export interface VersionStats {
  readonly version: number;
  readonly mode: StrategyMode | null;
  readonly signals: number;
  readonly lastSignalAt: number | null;
  readonly evaluations: number;
  readonly evalP50Ms: number | null;
  readonly evalP99Ms: number | null;
  readonly errors: number;
  readonly lastError: string | null;
  readonly state: 'PENDING' | 'RUNNING' | 'ERROR' | 'STOPPED';
}

/** Per-request context: the caller, the dependencies and request-scoped DataLoaders (one query per field per request). */
export interface StrategyContext extends RequestContext {
  readonly deps: StrategyServiceDeps;
  readonly strategyLoader: DataLoader<string, StrategyRecord | undefined>;
  readonly versionsLoader: DataLoader<string, StrategyVersionRecord[]>;
  readonly runsLoader: DataLoader<string, StrategyRunRecord[]>;
  readonly engineStatsLoader: DataLoader<string, Required<StrategyVersionStats>[]>;
  /** Signal counts per version, from one grouped query over `signals` per batch. */
  readonly signalCountsLoader: DataLoader<string, SignalVersionCount[]>;
  readonly modelVersionsLoader: DataLoader<string, ModelVersionRecord[]>;
}

export function createContext(deps: StrategyServiceDeps, identity: Identity): StrategyContext {
  return {
    deps,
    identity,
    strategyLoader: new DataLoader((ids) => getStrategies(deps.db, ids)),
    versionsLoader: new DataLoader((ids) => listStrategyVersions(deps.db, ids)),
    runsLoader: new DataLoader((ids) => listStrategyRuns(deps.db, ids)),
    engineStatsLoader: new DataLoader((ids) => listStrategyVersionStats(deps.db, ids)),
    modelVersionsLoader: new DataLoader((ids) => listModelVersions(deps.db, ids)),
    signalCountsLoader: new DataLoader(async (ids) => {
      const counts = await signalCountsByVersion(deps.db, ids);
      return ids.map((id) => counts.filter((c) => c.strategyId === id));
    }),
  };
}
