import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RestClient, RestError } from './rest.ts';
import type { BadInput } from './types.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A local HTTP server whose answers each test scripts, one handler per request in order. */
let server: Server;
let baseUrl: string;
let script: Handler[] = [];
let fallback: Handler;
const log: { url: string; at: number }[] = [];

/** Wall time between request `index - 1` and request `index` reaching the server. */
function gapMs(index: number): number {
  const before = log[index - 1];
  const after = log[index];
  if (before === undefined || after === undefined) throw new Error(`no request ${index}`);
  return after.at - before.at;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((request, response) => {
    log.push({ url: request.url ?? '', at: Date.now() });
    (script.shift() ?? fallback)(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script = [];
  fallback = json(200, { ok: true });
  log.length = 0;
});

const client = (extra: Partial<ConstructorParameters<typeof RestClient>[0]> = {}) =>
  new RestClient({
    name: 'test',
    baseUrl,
    weightPerMinute: 6000,
    backoff: { initialMs: 5, maxMs: 20 },
    ...extra,
  });

describe('RestClient', () => {
  it('sends the query and decodes the JSON body', async () => {
    fallback = json(200, [{ id: 1 }]);
    const rows = await client().getJson<{ id: number }[]>('/api/v3/trades', { symbol: 'XRPETH', limit: 2 });
    expect(rows).toEqual([{ id: 1 }]);
    expect(log.map((entry) => entry.url)).toEqual(['/api/v3/trades?symbol=XRPETH&limit=2']);
  });

  it('waits at least Retry-After after a 429, then retries', async () => {
    script = [json(429, { code: -1003, msg: 'Too many requests' }, { 'retry-after': '1' })];
    const rest = client();
    await expect(rest.getJson('/x', {})).resolves.toEqual({ ok: true });
    expect(log).toHaveLength(2);
    expect(gapMs(1)).toBeGreaterThanOrEqual(1000);
    expect(rest.stats()).toMatchObject({ requests: 2, throttled: 1, failures: 0 });
  });

  it('honours Retry-After on a 418 too', async () => {
    script = [json(418, { code: -1003, msg: 'banned' }, { 'retry-after': '1' })];
    await client().getJson('/x', {});
    expect(gapMs(1)).toBeGreaterThanOrEqual(1000);
  });

  it('retries 5xx, network-level failures and non-JSON bodies, reporting the body', async () => {
    const bad: BadInput[] = [];
    script = [
      json(503, { msg: 'unavailable' }),
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>502 Bad Gateway</body></html>');
      },
      (request) => request.socket.destroy(),
    ];
    const rest = client({ onBadInput: (input) => bad.push(input) });
    await expect(rest.getJson('/x', {})).resolves.toEqual({ ok: true });
    expect(log).toHaveLength(4);
    expect(rest.stats()).toMatchObject({ requests: 4, failures: 3 });
    expect(bad.map((input) => input.kind)).toEqual(['rest-error', 'rest-error']);
    expect(bad[1]?.sample).toContain('<html>');
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    script = [() => {}];
    await expect(client({ timeoutMs: 200 }).getJson('/x', {})).resolves.toEqual({ ok: true });
    expect(log).toHaveLength(2);
  });

  it('does not retry a 4xx other than 429/418', async () => {
    fallback = json(400, { code: -1100, msg: 'Illegal characters found in parameter' });
    const error = await client()
      .getJson('/x', { symbol: '??' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).status).toBe(400);
    expect(log).toHaveLength(1);
  });

  it('gives up after maxRetries', async () => {
    fallback = json(500, {});
    const error = await client({ maxRetries: 2, breaker: { failures: 100, cooldownMs: 1000 } })
      .getJson('/x', {})
      .catch((e: unknown) => e);
    expect((error as RestError).status).toBe(500);
    expect(log).toHaveLength(3);
  });

  it('opens the breaker after N consecutive failures, rejects at once, half-opens after the cool-down', async () => {
    fallback = json(502, {});
    const rest = client({ maxRetries: 10, breaker: { failures: 3, cooldownMs: 300 } });
    const error = await rest.getJson('/x', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).status).toBeNull();
    expect(log).toHaveLength(3);
    expect(rest.breakerOpen).toBe(true);
    expect(rest.stats().breakerOpen).toBe(true);

    await expect(rest.getJson('/x', {})).rejects.toThrow(/circuit breaker open/);
    expect(log).toHaveLength(3);

    fallback = json(200, { ok: true });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(rest.getJson('/x', {})).resolves.toEqual({ ok: true });
    expect(rest.breakerOpen).toBe(false);
  });

  it('does not count 4xx answers toward the breaker', async () => {
    fallback = json(404, {});
    const rest = client({ breaker: { failures: 2, cooldownMs: 10_000 } });
    for (let i = 0; i < 4; i++) await rest.getJson('/x', {}).catch(() => {});
    expect(rest.breakerOpen).toBe(false);
    expect(log).toHaveLength(4);
  });

  it('syncs the weight bucket down to what the server says is used, and waits for the refill', async () => {
    // 600 per minute is 10 weight per second; the server says all 600 are used.
    script = [json(200, { first: true }, { 'x-mbx-used-weight-1m': '600' })];
    const rest = client({ weightPerMinute: 600, usedWeightHeader: 'X-MBX-USED-WEIGHT-1M' });
    await rest.getJson('/x', {});
    await rest.getJson('/x', {}, 5);
    expect(gapMs(1)).toBeGreaterThanOrEqual(500);
  });

  it('gates requests by their weight', async () => {
    // 1200 per minute is 20 per second: the first call empties the bucket, the second needs 10 more.
    const rest = client({ weightPerMinute: 1200 });
    await rest.getJson('/x', {}, 1200);
    await rest.getJson('/x', {}, 10);
    // Ungated, the second request would follow within a millisecond or two; the margin absorbs timer granularity
    // between the server's two arrival stamps.
    expect(gapMs(1)).toBeGreaterThanOrEqual(450);
  });
});
