import { resolve } from 'node:path';
import { BUNDLED_TRADES } from '@alphintra/market-data';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY_SPEED, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      kafkaBrokers: [],
      replayFile: BUNDLED_TRADES,
      replaySpeed: DEFAULT_REPLAY_SPEED,
      replayLoop: true,
      port: 4000,
      dataDir: resolve('.data', 'pglite'),
    });
  });

  it('reads the real servers and the replay settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/alphintra',
      REDIS_URL: 'redis://cache:6379',
      KAFKA_BROKERS: 'k1:9092, k2:9092,',
      MARKET_DATA: 'replay:fixtures/market/binance-trade-XRPETH.ndjson',
      REPLAY_SPEED: 'max',
      REPLAY_LOOP: 'false',
      PORT: '4100',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://db/alphintra',
      redisUrl: 'redis://cache:6379',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      replayFile: resolve('fixtures/market/binance-trade-XRPETH.ndjson'),
      replaySpeed: Number.POSITIVE_INFINITY,
      replayLoop: false,
      port: 4100,
    });
  });

  it('refuses settings it cannot honour, saying what to use instead', () => {
    expect(() => loadConfig({ MARKET_DATA: 'binance' })).toThrow(/use replay:<file/);
    expect(() => loadConfig({ REPLAY_SPEED: '-2' })).toThrow(/REPLAY_SPEED="-2" must be a positive number, or "max"/);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT="http" must be a port number/);
    expect(() => loadConfig({ PORT: 'max' })).toThrow(/PORT="max"/);
  });
});
