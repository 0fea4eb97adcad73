import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const caFile = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'alphintra-ca-')), 'ca.pem');
  writeFileSync(file, PEM);
  return file;
};

describe('managed services settings', () => {
  it('uses plaintext Kafka without authentication when nothing is set', () => {
    expect(loadConfig({}).kafkaSecurity).toEqual({});
    expect(loadConfig({}).redisTls).toBeUndefined();
  });

  it('reads Kafka TLS and each SASL mechanism', () => {
    const credentials = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
    expect(loadConfig({ KAFKA_SSL: 'true' }).kafkaSecurity).toEqual({ ssl: true });
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'scram-sha-512']) {
      expect(loadConfig({ KAFKA_SASL_MECHANISM: mechanism, ...credentials }).kafkaSecurity).toEqual({
        sasl: { mechanism: mechanism.toLowerCase(), username: 'svc', password: 'pw' },
      });
    }
    expect(loadConfig({ KAFKA_SSL_CA: caFile() }).kafkaSecurity).toEqual({ ssl: { ca: PEM } });
  });

  it('reads the CA of a rediss:// server', () => {
    const file = caFile();
    expect(loadConfig({ REDIS_URL: 'rediss://default:pw@cache:6380', REDIS_TLS_CA: file }).redisTls).toEqual({
      ca: PEM,
    });
  });

  it('refuses incomplete or unknown settings with the variable to fix', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM="gssapi".*plain/);
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' })).toThrow(
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(() => loadConfig({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' })).toThrow(
      /without KAFKA_SASL_MECHANISM/,
    );
    expect(() => loadConfig({ KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL="yes"/);
    expect(() => loadConfig({ KAFKA_SSL_CA: '/nonexistent/ca.pem' })).toThrow(/KAFKA_SSL_CA=.*PEM/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache', REDIS_TLS_CA: caFile() })).toThrow(/rediss:\/\//);
  });
});
