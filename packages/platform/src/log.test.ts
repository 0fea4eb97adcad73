import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, gatewayLogger, parseLogSettings, pinoLog, scrub, secretsOf } from './log.ts';

/** A log of one component writing JSON lines into memory. */
function capture(level = 'info', secrets: string[] = []) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const log = pinoLog(createLogger(parseLogSettings({ LOG_LEVEL: level }, false), stream), 'relay kafka', secrets);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines };
}

describe('the platform log', () => {
  it('writes one JSON object per line with level, time, component, message and fields', () => {
    const { log, lines } = capture();
    log.info('signal delivered', { signalId: 'a1b2' });
    log.warn('delivering 2 signals failed', new Error('broker down'), { signalIds: ['a', 'b'] });

    const [info, warn] = lines();
    expect(info).toMatchObject({ level: 30, component: 'relay kafka', msg: 'signal delivered', signalId: 'a1b2' });
    expect(new Date(info?.['time'] as string).toISOString()).toBe(info?.['time']);
    expect(warn).toMatchObject({ level: 40, signalIds: ['a', 'b'], error: { type: 'Error', message: 'broker down' } });
  });

  it('keeps lines below LOG_LEVEL out, and refuses an unknown level or format', () => {
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.error('shown');
    expect(lines().map((line) => line['msg'])).toEqual(['shown']);
    expect(() => parseLogSettings({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL="verbose" must be one of/);
    expect(() => parseLogSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('is JSON when stdout is not a terminal, pretty on a terminal, as LOG_FORMAT says otherwise', () => {
    expect(parseLogSettings({}, false).pretty).toBe(false);
    expect(parseLogSettings({}, true).pretty).toBe(true);
    expect(parseLogSettings({ LOG_FORMAT: 'json' }, true).pretty).toBe(false);
    expect(parseLogSettings({ LOG_FORMAT: 'pretty' }, false).pretty).toBe(true);
  });

  it('censors credential fields at any depth up to three', () => {
    const { log, lines } = capture();
    log.warn('kafkajs: connection error', {
      password: 'p1',
      broker: { sasl: { username: 'u', password: 'p2' }, headers: { authorization: 'Bearer t' } },
    });
    const text = JSON.stringify(lines());
    for (const secret of ['p1', 'p2', 'Bearer t']) expect(text).not.toContain(secret);
    expect(text).toContain('connection error');
  });

  it('scrubs URL passwords, bearer tokens, webhook secrets and the environment secrets from free text', () => {
    const env = {
      DATABASE_URL: 'postgres://app:s3cr%40t@db:5432/x',
      KAFKA_SASL_PASSWORD: 'kafka-pass-1',
      AUTH_JWT_SECRET: 'jwt-secret-xyz',
      PORT: '4000',
    };
    const secrets = secretsOf(env);
    expect(secrets).toEqual(expect.arrayContaining(['s3cr%40t', 's3cr@t', 'kafka-pass-1', 'jwt-secret-xyz']));
    expect(secrets).not.toContain('4000');
    const { log, lines } = capture('info', secrets);
    log.error(
      'cannot connect to redis://default:hunter22@cache:6379 with Bearer eyJhbGciOi.x.y',
      new Error('auth failed for kafka-pass-1 (whsec_QUJD and jwt-secret-xyz)'),
    );
    const text = JSON.stringify(lines());
    for (const secret of ['hunter22', 'eyJhbGciOi', 'kafka-pass-1', 'QUJD', 'jwt-secret-xyz']) {
      expect(text).not.toContain(secret);
    }
    expect(scrub('postgres://app:pw@db/x')).toBe('postgres://app:***@db/x');
  });

  it("writes Hive Gateway's warnings and errors as its lines, with credentials removed", () => {
    const { log, lines } = capture();
    const gateway = gatewayLogger(log);
    gateway.info('hidden below warn');
    gateway.warn({ subgraph: 'signal', headers: { authorization: 'Bearer abc.def' } }, 'upstream failed');
    gateway.error('subscription ended for Bearer xyz.uvw');

    const written = lines();
    expect(written.map((line) => [line['level'], line['msg']])).toEqual([
      [40, 'upstream failed'],
      [50, 'subscription ended for Bearer ***'],
    ]);
    expect(written[0]).toMatchObject({ component: 'relay kafka', detail: { subgraph: 'signal', headers: '***' } });
  });
});
