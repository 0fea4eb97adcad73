/**
 * Abuse through the real gateway and subgraphs: each oversized or overly frequent request is refused with the code
 * of its limit while another identity is served normally at the same time. Identities are told apart by their
 * Authorization header (hashed by `identityKey` when no authentication names them).
 */
import { request as httpRequest } from 'node:http';
import { DEFAULT_LIMITS, type RunningGateway, startGateway } from '@alphintra/gateway';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { uniqueSuffix } from '@alphintra/testkit';
import type { GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collect, PROBE_CANDLE_OPEN, probeUntilLive, testPlatformConfig, waitFor } from './support.ts';

interface Response {
  readonly status: number;
  readonly headers: Headers;
  readonly errors: readonly GraphQLFormattedError[];
  readonly data: unknown;
}

async function post(url: string, query: string, authorization?: string): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
  return { status: response.status, headers: response.headers, errors: body.errors ?? [], data: body.data };
}

/** A subscription event carrying the probe candle `probeUntilLive` publishes. */
const isProbeCandle = (item: unknown) =>
  (item as { data?: { candles?: { openTime?: string } } }).data?.candles?.openTime === PROBE_CANDLE_OPEN;

const codes = (response: Response) => response.errors.map((e) => e.extensions?.['code']);

/** What a well-behaved user asks while someone else abuses the gateway: the seeded strategies' names. */
const NORMAL_QUERY = '{ strategies { edges { node { name } } } }';

/** A query `depth` fields deep (the leaf `__typename` is the last), cycling strategies and their signals. */
function deepQuery(depth: number): string {
  // strategies > edges > node > signals > edges > node > strategy > signals > edges > node > strategy ...
  const opening = ['strategies(first: 1) {', 'edges {', 'node {'];
  const cycle = ['signals(first: 1) {', 'edges {', 'node {', 'strategy {'];
  const levels = [...opening];
  while (levels.length < depth - 1) levels.push(cycle[(levels.length - opening.length) % cycle.length] as string);
  return `{ ${levels.join(' ')} __typename ${'}'.repeat(levels.length)} }`;
}

/**
 * Fields on the longest path of a document made of nested selections that each end in one leaf: its deepest
 * brace nesting (the operation's braces hold the first field, the innermost ones the leaf).
 */
function depthOf(query: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of query) {
    if (char === '{') deepest = Math.max(deepest, ++depth);
    if (char === '}') depth--;
  }
  return deepest;
}

/** Sends `bytes` of body, declared in Content-Length or chunked, and resolves with the response's status and body. */
function postBody(url: string, bytes: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer big-body',
        ...(chunked ? {} : { 'content-length': String(bytes) }),
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => {
        body += part;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // Once the server has answered and closed the connection, writing the rest fails: that is the point.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const write = () => {
      while (sent < bytes && !req.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('abuse through the gateway', () => {
  let platform: Platform;
  let url: string;
  let names: string[];

  beforeAll(async () => {
    platform = await startPlatform(testPlatformConfig({ suffix: uniqueSuffix() }), () => silentLog);
    url = platform.gateway.url;
    const seeded = await post(url, NORMAL_QUERY);
    names = (seeded.data as { strategies: { edges: { node: { name: string } }[] } }).strategies.edges.map(
      (e) => e.node.name,
    );
    expect(names.length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** Sends the abusive request and, at the same time, a normal one from another identity, which must be served. */
  async function alongsideNormal<T>(abuse: Promise<T>): Promise<T> {
    const [result, normal] = await Promise.all([abuse, post(url, NORMAL_QUERY, 'Bearer well-behaved')]);
    expect(normal.errors).toEqual([]);
    expect(normal.data).toEqual({ strategies: { edges: names.map((name) => ({ node: { name } })) } });
    return result;
  }

  it('refuses a query 30 levels deep, and serves one at the depth limit', async () => {
    const deep = deepQuery(30);
    expect(depthOf(deep)).toBe(30);
    const refused = await alongsideNormal(post(url, deep, 'Bearer deep'));
    expect(codes(refused)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    expect(refused.data ?? null).toBeNull();

    const atLimit = deepQuery(DEFAULT_LIMITS.maxDepth);
    expect(depthOf(atLimit)).toBe(DEFAULT_LIMITS.maxDepth);
    expect((await post(url, atLimit, 'Bearer deep')).errors).toEqual([]);
  });

  it('refuses 1,000 aliases', async () => {
    const aliases = Array.from({ length: 1_000 }, (_, i) => `a${i}: provider`).join(' ');
    const refused = await alongsideNormal(post(url, `{ feeds { ${aliases} } }`, 'Bearer aliases'));
    expect(codes(refused)).toEqual(['ALIAS_LIMIT_EXCEEDED']);
  });

  it('refuses a document of more tokens than the limit before parsing it whole', async () => {
    // `provider` repeated: no alias, shallow, but each name is a token.
    const query = `{ feeds { ${'provider '.repeat(DEFAULT_LIMITS.maxTokens)} } }`;
    const refused = await alongsideNormal(post(url, query, 'Bearer tokens'));
    expect(codes(refused)).toEqual(['TOKEN_LIMIT_EXCEEDED']);
  });

  it('refuses an operation whose estimated cost is over the limit, and serves a cheaper one', async () => {
    const nested = (first: number) =>
      `{ strategies(first: ${first}) { edges { node { signals(first: ${first}) { edges { node { id } } } } } } }`;
    // strategies 1, its edges and nodes `first` each, a signal connection per node, `first` edges and nodes each.
    const cost = (first: number) => 1 + first + first + first + first * first + first * first;
    expect(cost(100)).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    expect(cost(20)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);

    const refused = await alongsideNormal(post(url, nested(100), 'Bearer costly'));
    expect(codes(refused)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(refused.errors[0]?.message).toContain(String(cost(100)));
    expect((await post(url, nested(20), 'Bearer costly')).errors).toEqual([]);
  });

  it.each([
    { how: 'declared in Content-Length', chunked: false },
    { how: 'chunked', chunked: true },
  ])('refuses a 10 MB body $how with HTTP 413', async ({ chunked }) => {
    const refused = await alongsideNormal(postBody(url, 10 * 1024 * 1024, chunked));
    expect(refused.status).toBe(413);
    const body = JSON.parse(refused.body) as { errors: GraphQLFormattedError[] };
    expect(body.errors.map((e) => e.extensions?.['code'])).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('closes a WebSocket whose message is over the body limit', async () => {
    const socket = new WebSocket(platform.gateway.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(Buffer.alloc(DEFAULT_LIMITS.maxBodyBytes + 1, ' '));
    expect(await closed).toBe(1009); // "Message Too Big"
  });

  it('opens at most the limit of 500 subscriptions asked on one socket; another socket is served', async () => {
    const subscribe = (client: ReturnType<typeof createClient>) =>
      collect(client.iterate({ query: 'subscription { candles(symbol: "XRPETH", interval: "1m") { openTime } }' }));
    const flood = createClient({ url: platform.gateway.wsUrl, webSocketImpl: WebSocket, lazy: true });
    const other = createClient({
      url: platform.gateway.wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      connectionParams: { authorization: 'Bearer well-behaved' },
    });
    const floods = Array.from({ length: 500 }, () => subscribe(flood));
    const normal = subscribe(other);
    try {
      const refusedCount = () =>
        floods.filter((s) => s.items.some((e) => (e as { errors?: unknown[] }).errors?.length)).length;
      await waitFor('the subscriptions past the limit to be refused', () => refusedCount() >= 500 - 100);
      await probeUntilLive(
        platform,
        () => normal.items.some(isProbeCandle) && floods.filter((s) => s.items.some(isProbeCandle)).length >= 100,
      );

      const refused = floods.filter((s) => !s.items.some(isProbeCandle));
      expect(refused).toHaveLength(500 - DEFAULT_LIMITS.maxSubscriptionsPerConnection);
      for (const subscription of refused) {
        const errors = (subscription.items[0] as { errors: GraphQLFormattedError[] }).errors;
        expect(errors.map((e) => e.extensions?.['code'])).toEqual(['SUBSCRIPTION_LIMIT_EXCEEDED']);
      }
    } finally {
      await Promise.all([...floods, normal].map((s) => s.stop()));
      await Promise.all([flood.dispose(), other.dispose()]);
    }
  });

  describe('with lower per-identity limits', () => {
    const RATE_LIMIT = 100;
    const PER_IDENTITY = 30;
    let gateway: RunningGateway;

    beforeAll(async () => {
      gateway = await startGateway({
        subgraphUrls: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        port: 0,
        host: '127.0.0.1',
        logging: false,
        limits: {
          ...DEFAULT_LIMITS,
          rateLimitMax: RATE_LIMIT,
          rateLimitWindowMs: 60_000,
          maxSubscriptionsPerConnection: 20,
          maxSubscriptionsPerIdentity: PER_IDENTITY,
        },
      });
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('throttles one identity sending 10,000 requests in a minute while another is served', async () => {
      const flood: Response[] = [];
      const normal: Response[] = [];
      // A hundred waves of 100 concurrent requests from one identity; every other wave goes beside a request from
      // another identity (50 in all, within its own limit).
      for (let wave = 0; wave < 100; wave++) {
        const [floodWave, normalOne] = await Promise.all([
          Promise.all(Array.from({ length: 100 }, () => post(gateway.url, NORMAL_QUERY, 'Bearer flood'))),
          wave % 2 === 0 ? post(gateway.url, NORMAL_QUERY, 'Bearer well-behaved') : null,
        ]);
        flood.push(...floodWave);
        if (normalOne !== null) normal.push(normalOne);
      }
      const served = flood.filter((r) => r.errors.length === 0);
      const throttled = flood.filter((r) => r.errors.length > 0);
      expect(served).toHaveLength(RATE_LIMIT);
      expect(throttled).toHaveLength(10_000 - RATE_LIMIT);
      expect(normal).toHaveLength(50);
      for (const response of throttled) {
        expect(codes(response)).toEqual(['RATE_LIMITED']);
        expect(response.status).toBe(429);
        const retryAfter = Number(response.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      expect(normal.every((r) => r.errors.length === 0 && r.status === 200)).toBe(true);
    });

    it('counts one identity’s subscriptions over all its sockets, and frees them when they end', async () => {
      const query = 'subscription { candles(symbol: "XRPETH", interval: "1m") { openTime } }';
      const socket = (authorization: string) =>
        createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, lazy: true, connectionParams: { authorization } });
      const first = socket('Bearer many');
      const second = socket('Bearer many');
      const other = socket('Bearer other');
      const open = (client: ReturnType<typeof socket>, n: number) =>
        Array.from({ length: n }, () => collect(client.iterate({ query })));
      const refusal = (s: { items: unknown[] }) =>
        (s.items[0] as { errors?: GraphQLFormattedError[] } | undefined)?.errors?.[0]?.extensions?.['code'];
      const isLive = (s: { items: unknown[] }) => s.items.some(isProbeCandle);
      /** Waits until every subscription is refused or has received a probe candle, then splits them so. */
      const settle = async (subscriptions: ReturnType<typeof open>) => {
        await probeUntilLive(platform, () => subscriptions.every((s) => refusal(s) !== undefined || isLive(s)));
        return { live: subscriptions.filter(isLive), refused: subscriptions.filter((s) => refusal(s) !== undefined) };
      };
      const all: ReturnType<typeof open> = [];
      try {
        // The first socket's 20 (its connection limit), then 20 on a second socket: 10 of those pass the
        // identity's 30. Another identity's 20 are all served.
        const onFirst = open(first, 20);
        all.push(...onFirst);
        expect((await settle(onFirst)).live).toHaveLength(20);
        const onSecond = open(second, 20);
        const onOther = open(other, 20);
        all.push(...onSecond, ...onOther);
        const secondSettled = await settle([...onSecond, ...onOther]);
        expect(secondSettled.live).toHaveLength(10 + 20);
        expect(secondSettled.refused.map(refusal)).toEqual(
          Array(40 - PER_IDENTITY).fill('SUBSCRIPTION_LIMIT_EXCEEDED'),
        );
        expect(onOther.every(isLive)).toBe(true);

        // Ending ten of the identity's subscriptions lets it open ten again, and no more.
        await Promise.all(onFirst.slice(0, 10).map((s) => s.stop()));
        const again = open(second, 11);
        all.push(...again);
        const againSettled = await settle(again);
        expect(againSettled.live).toHaveLength(10);
        expect(againSettled.refused.map(refusal)).toEqual(['SUBSCRIPTION_LIMIT_EXCEEDED']);
      } finally {
        await Promise.all(all.map((s) => s.stop()));
        await Promise.all([first, second, other].map((s) => s.dispose()));
      }
    });
  });
});
