import { randomUUID } from 'node:crypto';
import postgres from 'postgres';

/** The real services integration tests can run against, by the env variable that points at each. */
export type ServiceVar = 'DATABASE_URL' | 'REDIS_URL' | 'KAFKA_BROKERS';

/**
 * The URL of a real service for an integration test, or `undefined` when it is not configured and the test
 * may be skipped. Under `CI=true` a missing service is an error: CI never skips an integration test.
 */
export function serviceUrl(name: ServiceVar): string | undefined {
  const value = process.env[name];
  if (value) return value;
  if (process.env['CI'] === 'true') {
    throw new Error(`${name} is not set: CI=true requires every integration test to run against the real server`);
  }
  return undefined;
}

/** A short unique suffix for per-test topics, channels and databases. */
export function uniqueSuffix(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/**
 * Creates a fresh database on the server `baseUrl` points at and returns its URL and a `drop` that removes it.
 * Each test run gets its own database, so runs never see each other's rows.
 */
export async function createTestDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `alphintra_test_${uniqueSuffix()}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}
