import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceUrl } from './services.ts';

describe('serviceUrl', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('gives the configured URL', () => {
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
    expect(serviceUrl('REDIS_URL')).toBe('redis://127.0.0.1:6379');
  });

  it('lets a developer without the server skip, but fails under CI instead of skipping', () => {
    vi.stubEnv('KAFKA_BROKERS', '');
    vi.stubEnv('CI', '');
    expect(serviceUrl('KAFKA_BROKERS')).toBeUndefined();
    vi.stubEnv('CI', 'true');
    expect(() => serviceUrl('KAFKA_BROKERS')).toThrow(/KAFKA_BROKERS is not set: CI=true requires/);
  });
});
