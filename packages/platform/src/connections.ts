import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaSasl } from '@alphintra/bus/kafka';

/** How the platform reaches a managed Kafka cluster: TLS and SASL, from `KAFKA_SSL*` and `KAFKA_SASL_*`. */
export interface KafkaSecurity {
  readonly ssl?: boolean | ConnectionOptions;
  readonly sasl?: KafkaSasl;
}

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

function readCa(env: NodeJS.ProcessEnv, name: string): string {
  const file = env[name] as string;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${name}="${file}" cannot be read (${(error as Error).message}): give the path of a PEM file`);
  }
}

/**
 * Kafka's TLS and SASL settings: `KAFKA_SSL=true` (the system's CAs), `KAFKA_SSL_CA=<PEM file>` (a private CA;
 * implies TLS), `KAFKA_SASL_MECHANISM` (`plain`, `scram-sha-256`, `scram-sha-512`) with `KAFKA_SASL_USERNAME` and
 * `KAFKA_SASL_PASSWORD`. Nothing set: plaintext, unauthenticated.
 */
export function parseKafkaSecurity(env: NodeJS.ProcessEnv): KafkaSecurity {
  const sslFlag = env['KAFKA_SSL'] ?? '';
  if (!['', 'true', 'false', '1', '0'].includes(sslFlag))
    throw new Error(`KAFKA_SSL="${sslFlag}" must be true or false`);
  const ssl = env['KAFKA_SSL_CA'] ? { ca: readCa(env, 'KAFKA_SSL_CA') } : sslFlag === 'true' || sslFlag === '1';
  const mechanism = (env['KAFKA_SASL_MECHANISM'] ?? '').toLowerCase();
  let sasl: KafkaSasl | undefined;
  if (mechanism !== '') {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new Error(`KAFKA_SASL_MECHANISM="${mechanism}" is not supported: use ${SASL_MECHANISMS.join(', ')}`);
    }
    const username = env['KAFKA_SASL_USERNAME'] ?? '';
    const password = env['KAFKA_SASL_PASSWORD'] ?? '';
    if (username === '' || password === '') {
      throw new Error(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    }
    sasl = { mechanism: mechanism as KafkaSasl['mechanism'], username, password };
  } else if (env['KAFKA_SASL_USERNAME'] || env['KAFKA_SASL_PASSWORD']) {
    throw new Error(`KAFKA_SASL_USERNAME is set without KAFKA_SASL_MECHANISM (${SASL_MECHANISMS.join(', ')})`);
  }
  return { ...(ssl === false ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}

/** Redis TLS options beyond what a `rediss://user:password@host` URL says: `REDIS_TLS_CA=<PEM file>`. */
export function parseRedisTls(env: NodeJS.ProcessEnv): ConnectionOptions | undefined {
  if (!env['REDIS_TLS_CA']) return undefined;
  if (!(env['REDIS_URL'] ?? '').startsWith('rediss://')) {
    throw new Error('REDIS_TLS_CA is set but REDIS_URL does not start with rediss:// (Redis over TLS)');
  }
  return { ca: readCa(env, 'REDIS_TLS_CA') };
}
