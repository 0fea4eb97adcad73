import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LIMITS } from '@alphintra/gateway';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLAY_SPEED,
  DEFAULT_RETENTION_MS,
  DEFAULT_SIGNALS_PARTITIONS,
  LIMIT_VARIABLES,
  loadConfig,
} from './config.ts';

const SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';

/** Runs `pnpm start`'s entry point with `env` until it exits or prints `until`; its exit code (null: still up) and output. */
function runMain(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; output: string }> {
  const main = resolve(import.meta.dirname, 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) {
        child.once('exit', () => done({ code: null, output }));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('loadConfig', () => {
  it('creates trading.signals with SIGNALS_PARTITIONS partitions, 6 unless set', () => {
    expect(DEFAULT_SIGNALS_PARTITIONS).toBe(6);
    expect(loadConfig({}).signalsPartitions).toBe(6);
    expect(loadConfig({ SIGNALS_PARTITIONS: '12' }).signalsPartitions).toBe(12);
    for (const bad of ['0', '2.5', 'many']) {
      expect(() => loadConfig({ SIGNALS_PARTITIONS: bad })).toThrow(/SIGNALS_PARTITIONS/);
    }
  });

  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      kafkaBrokers: [],
      replaySpeed: DEFAULT_REPLAY_SPEED,
      replayLoop: true,
      port: 4000,
      dataDir: resolve('.data', 'pglite'),
    });
    expect(config.marketData).toMatchObject({ replay: [BUNDLED_TRADES], live: null, graceMs: 2_000 });
    expect(config.marketData.retentionMs).toEqual(DEFAULT_RETENTION_MS);
  });

  it('reads the real servers and the replay settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/alphintra',
      REDIS_URL: 'redis://cache:6379',
      KAFKA_BROKERS: 'k1:9092, k2:9092,',
      MARKET_DATA: 'replay:fixtures/market/binance-trade-XRPETH.ndjson, fixtures/market/klines-1m-UNITTESTBTC.csv#BTCX',
      REPLAY_SPEED: 'max',
      REPLAY_LOOP: 'false',
      PORT: '4100',
      CONSUMER_GROUP_PREFIX: 'blue',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://db/alphintra',
      redisUrl: 'redis://cache:6379',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      replaySpeed: Number.POSITIVE_INFINITY,
      replayLoop: false,
      port: 4100,
      consumerGroupPrefix: 'blue',
    });
    expect(config.marketData.replay).toEqual([
      resolve('fixtures/market/binance-trade-XRPETH.ndjson'),
      `${resolve('fixtures/market/klines-1m-UNITTESTBTC.csv')}#BTCX`,
    ]);
  });

  it('reads the live feed settings', () => {
    const { marketData } = loadConfig({
      MARKET_DATA: 'binance,coinbase',
      MARKET_SYMBOLS: 'ethusdt, BTCUSDT,ETHUSDT',
      BINANCE_WS_URL: 'ws://127.0.0.1:9000',
      BINANCE_REST_URL: 'http://127.0.0.1:9001',
      COINBASE_PRODUCTS: 'ETHUSDT=ETH-USDT',
      FEED_HEARTBEAT_MS: '5000',
      FEED_FAILOVER_MS: '1500',
      CANDLE_GRACE_MS: '500',
      CANDLE_RETENTION: '1m=2d, 1d=30d',
    });
    expect(marketData.replay).toBeNull();
    expect(marketData.live).toMatchObject({
      symbols: ['ETHUSDT', 'BTCUSDT'],
      binance: { wsUrl: 'ws://127.0.0.1:9000', restUrl: 'http://127.0.0.1:9001', weightPerMinute: 6_000 },
      coinbase: { products: 'ETHUSDT=ETH-USDT', wsUrl: 'wss://ws-feed.exchange.coinbase.com' },
      heartbeatMs: 5_000,
      failoverAfterMs: 1_500,
    });
    expect(marketData.graceMs).toBe(500);
    expect(marketData.retentionMs).toEqual({ ...DEFAULT_RETENTION_MS, '1m': 2 * 86_400_000, '1d': 30 * 86_400_000 });
    expect(loadConfig({ MARKET_DATA: 'binance' }).marketData.live?.coinbase).toBeNull();
  });

  it('refuses settings it cannot honour, saying what to use instead', () => {
    expect(() => loadConfig({ MARKET_DATA: 'kraken' })).toThrow(/use binance, or binance,coinbase/);
    expect(() => loadConfig({ MARKET_DATA: 'binance,coinbase' })).toThrow(/needs COINBASE_PRODUCTS/);
    expect(() => loadConfig({ MARKET_DATA: 'replay:' })).toThrow(/at least one file/);
    expect(() => loadConfig({ CANDLE_RETENTION: '2m=1d' })).toThrow(/CANDLE_RETENTION entry "2m=1d"/);
    expect(() => loadConfig({ CANDLE_RETENTION: '1m=forever' })).toThrow(/e.g. 1m=7d/);
    expect(() => loadConfig({ MARKET_DATA: 'binance', FEED_FAILOVER_MS: '-1' })).toThrow(
      /FEED_FAILOVER_MS="-1" must be a number >= 0/,
    );
    expect(() => loadConfig({ REPLAY_SPEED: '-2' })).toThrow(/REPLAY_SPEED="-2" must be a positive number, or "max"/);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT="http" must be a port number/);
    expect(() => loadConfig({ PORT: 'max' })).toThrow(/PORT="max"/);
    expect(() => loadConfig({ PLATFORM_ROLE: 'engine' })).toThrow(/PLATFORM_ROLE="engine" must be all .* or api/);
    // An API process serves another process's data: embedded PGlite and the in-process pub/sub cannot be shared.
    expect(() => loadConfig({ PLATFORM_ROLE: 'api' })).toThrow(/set DATABASE_URL and REDIS_URL/);
    expect(() => loadConfig({ PLATFORM_ROLE: 'api', DATABASE_URL: 'postgres://db/x' })).toThrow(/REDIS_URL/);
  });

  it('runs the whole platform unless PLATFORM_ROLE=api asks for the API alone', () => {
    expect(loadConfig({}).role).toBe('all');
    const servers = { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://cache:6379' };
    expect(loadConfig({ ...servers, PLATFORM_ROLE: 'api' }).role).toBe('api');
    expect(loadConfig({ ...servers, PLATFORM_ROLE: 'all' }).role).toBe('all');
  });

  it('reads every gateway limit from its variable, the default when unset', () => {
    // The README's "Limits" table states each default.
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const [key, [name]] of Object.entries(LIMIT_VARIABLES)) {
      const row = new RegExp(`^\\| \`${name}\`\\s*\\| (\\d+)`, 'm').exec(readme);
      expect(Number(row?.[1]), name).toBe(DEFAULT_LIMITS[key as keyof typeof DEFAULT_LIMITS]);
    }
    expect(loadConfig({}).limits).toEqual(DEFAULT_LIMITS);
    const limits = loadConfig({
      MAX_QUERY_DEPTH: '7',
      MAX_QUERY_ALIASES: '3',
      MAX_QUERY_TOKENS: '900',
      MAX_QUERY_COST: '1000',
      QUERY_COST_LIST_SIZE: '5',
      RATE_LIMIT_MAX: '60',
      RATE_LIMIT_WINDOW_MS: '1000',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '4',
      MAX_SUBSCRIPTIONS_PER_IDENTITY: '8',
      MAX_BODY_BYTES: '65536',
    }).limits;
    expect(limits).toEqual({
      maxDepth: 7,
      maxAliases: 3,
      maxTokens: 900,
      maxCost: 1000,
      assumedListSize: 5,
      rateLimitMax: 60,
      rateLimitWindowMs: 1000,
      maxSubscriptionsPerConnection: 4,
      maxSubscriptionsPerIdentity: 8,
      maxBodyBytes: 65536,
    });
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH="0" must be a number >= 1/);
    expect(() => loadConfig({ MAX_BODY_BYTES: 'lots' })).toThrow(/MAX_BODY_BYTES="lots"/);
  });
});

describe('authentication settings', () => {
  it('is off without AUTH_JWT_SECRET or AUTH_JWKS_URL (development mode), and refused so under NODE_ENV=production', () => {
    expect(loadConfig({}).auth).toBeNull();
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /NODE_ENV=production needs authentication: set AUTH_JWT_SECRET .* or AUTH_JWKS_URL/,
    );
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET }).auth?.jwtSecret).toBe(SECRET);
  });

  it('reads every AUTH_ setting, with roles as the default role claim', () => {
    const auth = loadConfig({
      AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://issuer.example/',
      AUTH_JWT_AUDIENCE: 'alphintra',
      AUTH_ROLE_CLAIM: 'permissions',
      AUTH_INTERNAL_SECRET: 'an-internal-secret-shared-by-every-process',
    }).auth;
    expect(auth).toEqual({
      jwtSecret: undefined,
      jwksUrl: 'https://issuer.example/.well-known/jwks.json',
      issuer: 'https://issuer.example/',
      audience: 'alphintra',
      roleClaim: 'permissions',
      internalSecret: 'an-internal-secret-shared-by-every-process',
    });
    const defaults = loadConfig({ AUTH_JWT_SECRET: SECRET }).auth;
    expect(defaults?.roleClaim).toBe('roles');
    // No internal secret set: a random one, different on every start.
    expect(defaults?.internalSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ AUTH_JWT_SECRET: SECRET }).auth?.internalSecret).not.toBe(defaults?.internalSecret);
  });

  it('refuses auth settings it cannot honour', () => {
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://x/jwks' })).toThrow(/not both/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET must be at least 32/);
    expect(() => loadConfig({ AUTH_JWKS_URL: 'jwks.json' })).toThrow(/AUTH_JWKS_URL="jwks.json" must be an http/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_INTERNAL_SECRET: 'short' })).toThrow(
      /AUTH_INTERNAL_SECRET must be at least 32/,
    );
  });

  it('exits non-zero at start under NODE_ENV=production without auth, and says development mode otherwise', async () => {
    const refused = await runMain({ NODE_ENV: 'production' });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/NODE_ENV=production needs authentication/);
    const dataDir = mkdtempSync(join(tmpdir(), 'alphintra-dev-'));
    try {
      const dev = await runMain({ DATA_DIR: dataDir, PORT: '0', REPLAY_SPEED: '1' }, /development mode/);
      expect(dev.output).toMatch(/development mode: no AUTH_JWT_SECRET or AUTH_JWKS_URL, so every caller is an admin/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Starting embedded PostgreSQL on a busy machine can take a while.
  }, 180_000);
});
