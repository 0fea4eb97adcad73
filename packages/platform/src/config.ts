import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { MIN_INTERNAL_SECRET_LENGTH } from '@alphintra/auth';
import { INTERVALS, type Interval, isInterval, MODEL_LIMITS } from '@alphintra/core';
import { DEFAULT_LIMITS, type LimitSettings } from '@alphintra/gateway';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from '@alphintra/webhooks';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type BacktestRunnerSettings, DEFAULT_BACKTEST_RUNNER_SETTINGS } from './backtest-service.ts';
import { type KafkaSecurity, parseKafkaSecurity, parseRedisTls } from './connections.ts';

/** Everything `startPlatform` needs, read from the environment by `loadConfig`. */
/**
 * What a process runs (`PLATFORM_ROLE`): `all` (the default) the whole platform; `api` only the subgraphs and the
 * gateway, on the PostgreSQL, Redis and bus of a platform running in another process.
 */
export type PlatformRole = 'all' | 'api';

export interface PlatformConfig {
  /** `PLATFORM_ROLE`; unset = `all`. */
  readonly role?: PlatformRole;
  /** Postgres server; unset = embedded PGlite in `dataDir` (or in memory when `dataDir` is null). */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string | null;
  /** Redis for subscription pub/sub; unset = in-process. */
  readonly redisUrl?: string | undefined;
  /** Kafka brokers; empty = in-process bus. */
  readonly kafkaBrokers: readonly string[];
  /** TLS and SASL to the Kafka brokers (`KAFKA_SSL`, `KAFKA_SSL_CA`, `KAFKA_SASL_*`); none when absent. */
  readonly kafkaSecurity?: KafkaSecurity;
  /** TLS options for a `rediss://` `REDIS_URL` (`REDIS_TLS_CA`). */
  readonly redisTls?: ConnectionOptions | undefined;
  /**
   * Partitions `trading.signals` is created with when missing (`SIGNALS_PARTITIONS`, default 6); the other topics
   * get the bus default. An existing topic keeps its count.
   */
  readonly signalsPartitions?: number;
  /** Prefix of the platform's Kafka consumer groups (default `alphintra`). */
  readonly consumerGroupPrefix?: string;
  /** Put before every Redis channel name, so deployments sharing one Redis do not hear each other. */
  readonly redisChannelPrefix?: string;
  /** Where trades come from: recorded files (the default) or live exchanges. */
  readonly marketData: MarketDataConfig;
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
  /** Strategies (not archived) the platform accepts at most (`MAX_STRATEGIES`). */
  readonly maxStrategies: number;
  /** The largest ONNX model `registerModel` accepts, in bytes (`MAX_MODEL_BYTES`, default 524288). */
  readonly maxModelBytes?: number;
  /** Create the default strategies when no strategy exists yet. */
  readonly seedDefaultStrategies: boolean;
  /** With `seedDefaultStrategies`, also run the example model's `AI_ML` strategy (`pnpm start` does). */
  readonly seedModelStrategy?: boolean;
  /** Extra Hive Gateway plugins (auth, metrics, instrumentation). */
  readonly gatewayPlugins?: readonly GatewayPlugin[];
  /**
   * The market clock, epoch ms (default `Date.now`): candle boundaries, watermarks and the future-trade check.
   * Tests run it faster than the wall clock so that minutes pass in seconds.
   */
  readonly clock?: () => number;
  /** Hive Gateway log level; `false` silences it. */
  readonly gatewayLogging?: boolean | 'debug' | 'info' | 'warn' | 'error';
  /** Webhook delivery (`WEBHOOK_*`); the defaults when absent. */
  readonly webhooks?: WebhookSettings;
  /**
   * What the gateway refuses (`MAX_QUERY_*`, `RATE_LIMIT_*`, `MAX_SUBSCRIPTIONS_*`, `MAX_BODY_BYTES`); the defaults
   * when absent. `false` (never read from the environment) turns them off, for a benchmark to tell their cost.
   */
  readonly limits?: LimitSettings | false;
  /** Authentication (`AUTH_*`); null or absent: development mode, every caller is an admin. */
  readonly auth?: AuthConfig | null;
  /** Backtest jobs: the runner and what a user may ask (`BACKTEST_*`); the defaults when absent. */
  readonly backtests?: BacktestSettings;
}

/** Backtest settings: how the runner works, and the bounds a user meets. */
export interface BacktestSettings extends BacktestRunnerSettings {
  /** QUEUED + RUNNING jobs per user (`BACKTEST_MAX_ACTIVE`, default 3). */
  readonly maxActivePerUser: number;
  /** Symbols x candles of a backtest's period, and of `Strategy.performance` (`BACKTEST_MAX_CANDLES`, 1,000,000). */
  readonly maxCandles: number;
}

export const DEFAULT_BACKTEST_SETTINGS: BacktestSettings = {
  ...DEFAULT_BACKTEST_RUNNER_SETTINGS,
  maxActivePerUser: 3,
  maxCandles: 1_000_000,
};

/** Backtest settings (`BACKTEST_MAX_ACTIVE`, `BACKTEST_MAX_CANDLES`, `BACKTEST_CONCURRENCY`, ...). */
export function parseBacktestSettings(env: NodeJS.ProcessEnv): BacktestSettings {
  const d = DEFAULT_BACKTEST_SETTINGS;
  return {
    maxActivePerUser: parseNumber(env, 'BACKTEST_MAX_ACTIVE', d.maxActivePerUser, 1),
    maxCandles: parseNumber(env, 'BACKTEST_MAX_CANDLES', d.maxCandles, 1),
    concurrency: parseNumber(env, 'BACKTEST_CONCURRENCY', d.concurrency, 1),
    pageCandles: parseNumber(env, 'BACKTEST_PAGE_CANDLES', d.pageCandles, 1),
    leaseMs: parseNumber(env, 'BACKTEST_LEASE_MS', d.leaseMs, 1),
    pollMs: parseNumber(env, 'BACKTEST_POLL_MS', d.pollMs, 1),
    threads: parseBoolean(env, 'BACKTEST_THREADS', d.threads),
    progressMs: parseNumber(env, 'BACKTEST_PROGRESS_MS', d.progressMs, 0),
  };
}

/** Authentication settings: exactly one of `jwtSecret` and `jwksUrl`. */
export interface AuthConfig {
  /** HS256 tokens signed with this secret (`AUTH_JWT_SECRET`, at least 32 characters). */
  readonly jwtSecret?: string | undefined;
  /** RS256 / ES256 tokens signed by a key of this JSON Web Key Set (`AUTH_JWKS_URL`). */
  readonly jwksUrl?: string | undefined;
  /** The `iss` tokens must carry, when set (`AUTH_JWT_ISSUER`). */
  readonly issuer?: string | undefined;
  /** The `aud` tokens must carry, when set (`AUTH_JWT_AUDIENCE`). */
  readonly audience?: string | undefined;
  /** The claim with the caller's roles (`AUTH_ROLE_CLAIM`, default `roles`). */
  readonly roleClaim: string;
  /**
   * Signs the caller's identity from the gateway to the subgraphs (`AUTH_INTERNAL_SECRET`, at least 32
   * characters): every process of one deployment needs the same one. Unset: a random one per start.
   */
  readonly internalSecret: string;
}

/** Live market data settings (`MARKET_DATA=binance[,coinbase]`). */
export interface LiveMarketConfig {
  /** Symbols streamed whatever the strategies name (`MARKET_SYMBOLS`). */
  readonly symbols: readonly string[];
  readonly binance: {
    readonly wsUrl: string;
    readonly restUrl: string;
    readonly weightPerMinute: number;
    readonly maxConnectionMs: number;
  };
  /** The backup provider, if any: Coinbase Exchange with its product map. */
  readonly coinbase: {
    readonly wsUrl: string;
    readonly restUrl: string;
    /** Platform symbol -> Coinbase product id (`COINBASE_PRODUCTS=ETHUSDT=ETH-USDT,...`). */
    readonly products: string;
    readonly requestsPerSecond: number;
  } | null;
  /** No message for this long: the provider is stale (`FEED_HEARTBEAT_MS`). */
  readonly heartbeatMs: number;
  /** The primary disconnected this long: switch to the backup (`FEED_FAILOVER_MS`). */
  readonly failoverAfterMs: number;
  /** The primary healthy this long: switch back (`FEED_FAILBACK_MS`). */
  readonly failbackAfterMs: number;
  readonly restMaxRetries: number;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  /** 1m candles fetched over REST for a symbol without history (`WARMUP_CANDLES`). */
  readonly warmupCandles: number;
}

/** Market data settings. */
export interface MarketDataConfig {
  /** Replay specs (`replay:<file>[,<file>...]`), or null for live data. */
  readonly replay: readonly string[] | null;
  readonly live: LiveMarketConfig | null;
  /** Late trades are still in time for their candle within this grace after its end (`CANDLE_GRACE_MS`). */
  readonly graceMs: number;
  /** Stored candles are kept this long per interval (`CANDLE_RETENTION=1m=7d,1d=3650d`). */
  readonly retentionMs: Readonly<Record<Interval, number>>;
  /** A price further than this percentage from the last one is quarantined (`PRICE_BAND_PCT`). */
  readonly priceBandPct: number;
  /** A trade time further ahead of the clock than this is quarantined (`MAX_FUTURE_MS`). */
  readonly maxFutureMs: number;
}

const DAY_MS = 86_400_000;

/** Default retention per interval: a week of minutes, a month of 5m and 15m, a year of hours, ten of days. */
export const DEFAULT_RETENTION_MS: Readonly<Record<Interval, number>> = {
  '1m': 7 * DAY_MS,
  '5m': 30 * DAY_MS,
  '15m': 90 * DAY_MS,
  '1h': 365 * DAY_MS,
  '4h': 3 * 365 * DAY_MS,
  '1d': 10 * 365 * DAY_MS,
};

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS };

function parseRetention(value: string | undefined): Record<Interval, number> {
  const retention = { ...DEFAULT_RETENTION_MS };
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [interval = '', duration = ''] = part.split('=').map((p) => p.trim());
    const match = DURATION.exec(duration);
    if (!isInterval(interval) || match === null) {
      throw new Error(
        `CANDLE_RETENTION entry "${part}" must be <interval>=<duration>, e.g. 1m=7d (intervals: ${Object.keys(INTERVALS).join(', ')}; units ms, s, m, h, d)`,
      );
    }
    retention[interval] = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return retention;
}

function parseNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${name}="${value}" must be a number >= ${min}`);
  return parsed;
}

function symbolList(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

function parseLive(env: NodeJS.ProcessEnv, providers: string[]): LiveMarketConfig {
  const [primary, backup, ...rest] = providers;
  if (primary !== 'binance' || rest.length > 0 || (backup !== undefined && backup !== 'coinbase')) {
    throw new Error(
      `MARKET_DATA="${providers.join(',')}" is not supported: use binance, or binance,coinbase (Coinbase Exchange as the backup)`,
    );
  }
  if (backup === 'coinbase' && !env['COINBASE_PRODUCTS']) {
    throw new Error(
      'MARKET_DATA=binance,coinbase needs COINBASE_PRODUCTS, the symbol map, e.g. ETHUSDT=ETH-USDT,BTCUSDT=BTC-USDT',
    );
  }
  return {
    symbols: symbolList(env['MARKET_SYMBOLS']),
    binance: {
      wsUrl: env['BINANCE_WS_URL'] || 'wss://stream.binance.com:9443',
      restUrl: env['BINANCE_REST_URL'] || 'https://api.binance.com',
      weightPerMinute: parseNumber(env, 'BINANCE_WEIGHT_PER_MINUTE', 6_000, 1),
      maxConnectionMs: parseNumber(env, 'BINANCE_MAX_CONNECTION_MS', 23.5 * 3_600_000, 1_000),
    },
    coinbase:
      backup === 'coinbase'
        ? {
            wsUrl: env['COINBASE_WS_URL'] || 'wss://ws-feed.exchange.coinbase.com',
            restUrl: env['COINBASE_REST_URL'] || 'https://api.exchange.coinbase.com',
            products: env['COINBASE_PRODUCTS'] ?? '',
            requestsPerSecond: parseNumber(env, 'COINBASE_REQUESTS_PER_SECOND', 8, 0.1),
          }
        : null,
    heartbeatMs: parseNumber(env, 'FEED_HEARTBEAT_MS', 60_000, 100),
    failoverAfterMs: parseNumber(env, 'FEED_FAILOVER_MS', 2_000),
    failbackAfterMs: parseNumber(env, 'FEED_FAILBACK_MS', 5_000),
    restMaxRetries: parseNumber(env, 'REST_MAX_RETRIES', 5),
    breakerFailures: parseNumber(env, 'BREAKER_FAILURES', 5, 1),
    breakerCooldownMs: parseNumber(env, 'BREAKER_COOLDOWN_MS', 30_000),
    warmupCandles: parseNumber(env, 'WARMUP_CANDLES', 500),
  };
}

function parseMarketDataConfig(env: NodeJS.ProcessEnv): MarketDataConfig {
  const value = env['MARKET_DATA'] ?? '';
  let replay: string[] | null = null;
  let live: LiveMarketConfig | null = null;
  if (value === '') replay = [BUNDLED_TRADES];
  else if (value.startsWith('replay:')) {
    replay = value
      .slice('replay:'.length)
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)
      .map((spec) => {
        const hash = spec.lastIndexOf('#');
        return hash > 0 ? `${resolve(spec.slice(0, hash))}${spec.slice(hash)}` : resolve(spec);
      });
    if (replay.length === 0) throw new Error('MARKET_DATA=replay: needs at least one file');
  } else {
    live = parseLive(
      env,
      value.split(',').map((p) => p.trim().toLowerCase()),
    );
  }
  return {
    replay,
    live,
    graceMs: parseNumber(env, 'CANDLE_GRACE_MS', 2_000),
    retentionMs: parseRetention(env['CANDLE_RETENTION']),
    priceBandPct: parseNumber(env, 'PRICE_BAND_PCT', 20, 0),
    maxFutureMs: parseNumber(env, 'MAX_FUTURE_MS', 5_000, 0),
  };
}

/** Partitions of `trading.signals` when `SIGNALS_PARTITIONS` is not set: signals are keyed by symbol. */
export const DEFAULT_SIGNALS_PARTITIONS = 6;

function parsePartitions(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SIGNALS_PARTITIONS;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`SIGNALS_PARTITIONS="${value}" must be an integer >= 1`);
  return parsed;
}

/** Speed of the default replay: 180x plays a 1-minute candle in a third of a second; the first signal comes ~10 s into the replay. */
export const DEFAULT_REPLAY_SPEED = 180;

function parseSpeed(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_REPLAY_SPEED;
  const parsed = value === 'max' ? Number.POSITIVE_INFINITY : Number(value);
  if (!(parsed > 0)) throw new Error(`REPLAY_SPEED="${value}" must be a positive number, or "max"`);
  return parsed;
}

function parseRole(env: NodeJS.ProcessEnv): PlatformRole {
  const value = env['PLATFORM_ROLE'] || 'all';
  if (value !== 'all' && value !== 'api') {
    throw new Error(`PLATFORM_ROLE="${value}" must be all (the whole platform) or api (subgraphs and gateway only)`);
  }
  if (value === 'api' && (!env['DATABASE_URL'] || !env['REDIS_URL'])) {
    throw new Error(
      'PLATFORM_ROLE=api serves the data of a platform running in another process: set DATABASE_URL and REDIS_URL to the ones that platform uses',
    );
  }
  return value;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 4000;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new Error(`PORT="${value}" must be a port number (0 to 65535)`);
  }
  return parsed;
}

function parseBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name}="${value}" must be true or false`);
}

/** Webhook settings (`WEBHOOK_TIMEOUT_MS`, `WEBHOOK_RETRY_WINDOW_MS`, `WEBHOOK_ROTATION_GRACE_MS`, ...). */
export function parseWebhookSettings(env: NodeJS.ProcessEnv): WebhookSettings {
  const d = DEFAULT_WEBHOOK_SETTINGS;
  return {
    timeoutMs: parseNumber(env, 'WEBHOOK_TIMEOUT_MS', d.timeoutMs, 1),
    retryWindowMs: parseNumber(env, 'WEBHOOK_RETRY_WINDOW_MS', d.retryWindowMs, 0),
    rotationGraceMs: parseNumber(env, 'WEBHOOK_ROTATION_GRACE_MS', d.rotationGraceMs, 0),
    concurrency: parseNumber(env, 'WEBHOOK_CONCURRENCY', d.concurrency, 1),
    backoffBaseMs: parseNumber(env, 'WEBHOOK_BACKOFF_MS', d.backoffBaseMs, 1),
    backoffMaxMs: parseNumber(env, 'WEBHOOK_BACKOFF_MAX_MS', d.backoffMaxMs, 1),
    allowPrivate: parseBoolean(env, 'WEBHOOK_ALLOW_PRIVATE', d.allowPrivate),
    pollMs: parseNumber(env, 'WEBHOOK_POLL_MS', d.pollMs, 1),
  };
}

const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Authentication settings (`AUTH_*`); null without `AUTH_JWT_SECRET` or `AUTH_JWKS_URL` (development mode), which
 * `NODE_ENV=production` refuses.
 */
export function parseAuth(env: NodeJS.ProcessEnv): AuthConfig | null {
  const jwtSecret = env['AUTH_JWT_SECRET'] || undefined;
  const jwksUrl = env['AUTH_JWKS_URL'] || undefined;
  if (jwtSecret === undefined && jwksUrl === undefined) {
    if (env['NODE_ENV'] === 'production') {
      throw new Error(
        'NODE_ENV=production needs authentication: set AUTH_JWT_SECRET (HS256 tokens) or AUTH_JWKS_URL (RS256/ES256 tokens from your identity provider)',
      );
    }
    return null;
  }
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    throw new Error('set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both');
  }
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`AUTH_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 wants 256 bits)`);
  }
  if (jwksUrl !== undefined && !/^https?:\/\/[^/]/.test(jwksUrl)) {
    throw new Error(
      `AUTH_JWKS_URL="${jwksUrl}" must be an http(s) URL, e.g. https://issuer.example/.well-known/jwks.json`,
    );
  }
  const internalSecret = env['AUTH_INTERNAL_SECRET'] || randomBytes(32).toString('base64url');
  if (internalSecret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new Error(`AUTH_INTERNAL_SECRET must be at least ${MIN_INTERNAL_SECRET_LENGTH} characters`);
  }
  return {
    jwtSecret,
    jwksUrl,
    issuer: env['AUTH_JWT_ISSUER'] || undefined,
    audience: env['AUTH_JWT_AUDIENCE'] || undefined,
    roleClaim: env['AUTH_ROLE_CLAIM'] || 'roles',
    internalSecret,
  };
}

/** The environment variable of each gateway limit, and the smallest value it accepts. */
export const LIMIT_VARIABLES: { readonly [K in keyof LimitSettings]: readonly [name: string, min: number] } = {
  maxDepth: ['MAX_QUERY_DEPTH', 1],
  maxAliases: ['MAX_QUERY_ALIASES', 0],
  maxTokens: ['MAX_QUERY_TOKENS', 1],
  maxCost: ['MAX_QUERY_COST', 1],
  assumedListSize: ['QUERY_COST_LIST_SIZE', 1],
  rateLimitMax: ['RATE_LIMIT_MAX', 1],
  rateLimitWindowMs: ['RATE_LIMIT_WINDOW_MS', 1],
  maxSubscriptionsPerConnection: ['MAX_SUBSCRIPTIONS_PER_CONNECTION', 1],
  maxSubscriptionsPerIdentity: ['MAX_SUBSCRIPTIONS_PER_IDENTITY', 1],
  maxBodyBytes: ['MAX_BODY_BYTES', 1],
};

/** Gateway limits (`MAX_QUERY_DEPTH`, `RATE_LIMIT_MAX`, `MAX_BODY_BYTES`, ...); see README, "Limits". */
export function parseLimits(env: NodeJS.ProcessEnv): LimitSettings {
  const entries = Object.entries(LIMIT_VARIABLES) as [keyof LimitSettings, readonly [string, number]][];
  return Object.fromEntries(
    entries.map(([key, [name, min]]) => [key, parseNumber(env, name, DEFAULT_LIMITS[key], min)]),
  ) as unknown as LimitSettings;
}

/** Reads the platform's configuration from environment variables (see README, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const marketData = parseMarketDataConfig(env);
  return {
    role: parseRole(env),
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: resolve(env['DATA_DIR'] || '.data', 'pglite'),
    redisUrl: env['REDIS_URL'] || undefined,
    ...(env['CONSUMER_GROUP_PREFIX'] ? { consumerGroupPrefix: env['CONSUMER_GROUP_PREFIX'] } : {}),
    ...(env['REDIS_CHANNEL_PREFIX'] ? { redisChannelPrefix: env['REDIS_CHANNEL_PREFIX'] } : {}),
    kafkaBrokers: (env['KAFKA_BROKERS'] ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaSecurity: parseKafkaSecurity(env),
    redisTls: parseRedisTls(env),
    signalsPartitions: parsePartitions(env['SIGNALS_PARTITIONS']),
    marketData,
    replaySpeed: parseSpeed(env['REPLAY_SPEED']),
    replayLoop: env['REPLAY_LOOP'] !== 'false',
    autoStartReplay: true,
    port: parsePort(env['PORT']),
    host: env['HOST'] || '0.0.0.0',
    subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
    maxStrategies: parseNumber(env, 'MAX_STRATEGIES', 10_000, 1),
    maxModelBytes: parseNumber(env, 'MAX_MODEL_BYTES', MODEL_LIMITS.maxBytes, 1),
    seedDefaultStrategies: true,
    webhooks: parseWebhookSettings(env),
    auth: parseAuth(env),
    limits: parseLimits(env),
    backtests: parseBacktestSettings(env),
  };
}
