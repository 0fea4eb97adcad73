import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from './postgres.ts';

const postgresUrl = serviceUrl('DATABASE_URL');

/** The test server has TLS off (`show ssl` = off), so `sslmode` is observable by whether TLS is insisted on. */
describe.skipIf(!postgresUrl)('openPostgres: sslmode in DATABASE_URL', () => {
  let url = '';
  let drop = async () => {};
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase(postgresUrl as string));
  });
  afterAll(() => drop());

  const withSslMode = (mode: string) => {
    const withMode = new URL(url);
    withMode.searchParams.set('sslmode', mode);
    return withMode.toString();
  };

  it('insists on TLS with sslmode=require: a server without it is refused, not used in clear', async () => {
    const sql = await import('postgres').then(({ default: postgres }) => postgres(url, { max: 1 }));
    expect((await sql`show ssl`)[0]?.['ssl']).toBe('off');
    await sql.end();
    // Drizzle wraps the driver's error; its cause is the TLS handshake that the server, without TLS, never completes.
    const error = await openPostgres(withSslMode('require')).then(
      () => null,
      (failure: Error) => failure,
    );
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/secure TLS connection/);
  });

  it('connects in clear with sslmode=disable and with prefer when the server has no TLS', async () => {
    for (const mode of ['disable', 'prefer']) {
      const database = await openPostgres(withSslMode(mode));
      await database.close();
    }
  });
});
