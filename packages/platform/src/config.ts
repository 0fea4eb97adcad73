import { resolve } from 'node:path';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** Everything `startPlatform` needs, read from the environment by `loadConfig`. */
export interface PlatformConfig {
  /** Postgres server; unset = embedded PGlite in `dataDir` (or in memory when `dataDir` is null). */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string | null;
  /** Redis for subscription pub/sub; unset = in-process. */
  readonly redisUrl?: string | undefined;
  /** Kafka brokers; empty = in-process bus. */
  readonly kafkaBrokers: readonly string[];
  /** Prefix of the platform's Kafka consumer groups (default `alphintra`). */
  readonly consumerGroupPrefix?: string;
  /** Put before every Redis channel name, so deployments sharing one Redis do not hear each other. */
  readonly redisChannelPrefix?: string;
  /** Recorded trades to replay (Binance `@trade` ndjson). */
  readonly replayFile: string;
  /** Market ms per wall ms; `Infinity` = as fast as possible. */
  readonly replaySpeed: number;
  /** Start the file over at its end (times shifted), so signals keep flowing. */
  readonly replayLoop: boolean;
  /** Start replaying as soon as the platform is up (else call `platform.startReplay()`). */
  readonly autoStartReplay: boolean;
  /** Gateway port; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** Subgraph ports; 0 (the default) picks free ones, and the gateway is pointed at them. */
  readonly subgraphPorts: { readonly strategy: number; readonly marketData: number; readonly signal: number };
  /** Create the default strategies when no strategy exists yet. */
  readonly seedDefaultStrategies: boolean;
  /** Extra Hive Gateway plugins (auth, metrics, instrumentation). */
  readonly gatewayPlugins?: readonly GatewayPlugin[];
  /** Hive Gateway log level; `false` silences it. */
  readonly gatewayLogging?: boolean | 'debug' | 'info' | 'warn' | 'error';
}

/** Speed of the default replay: 180x plays a 1-minute candle in a third of a second; the first signal comes ~10 s into the replay. */
export const DEFAULT_REPLAY_SPEED = 180;

function parseMarketData(value: string | undefined): string {
  if (!value) return BUNDLED_TRADES;
  if (value.startsWith('replay:')) return resolve(value.slice('replay:'.length));
  throw new Error(
    `MARKET_DATA="${value}" is not supported: use replay:<file of Binance @trade ndjson>, or leave it unset for the bundled trades`,
  );
}

function parseSpeed(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_REPLAY_SPEED;
  const parsed = value === 'max' ? Number.POSITIVE_INFINITY : Number(value);
  if (!(parsed > 0)) throw new Error(`REPLAY_SPEED="${value}" must be a positive number, or "max"`);
  return parsed;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 4000;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new Error(`PORT="${value}" must be a port number (0 to 65535)`);
  }
  return parsed;
}

/** Reads the platform's configuration from environment variables (see README, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  return {
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: resolve(env['DATA_DIR'] || '.data', 'pglite'),
    redisUrl: env['REDIS_URL'] || undefined,
    kafkaBrokers: (env['KAFKA_BROKERS'] ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    replayFile: parseMarketData(env['MARKET_DATA']),
    replaySpeed: parseSpeed(env['REPLAY_SPEED']),
    replayLoop: env['REPLAY_LOOP'] !== 'false',
    autoStartReplay: true,
    port: parsePort(env['PORT']),
    host: env['HOST'] || '0.0.0.0',
    subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
    seedDefaultStrategies: true,
  };
}
