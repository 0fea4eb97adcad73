import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Identity, IdentityVerifier } from '@alphintra/auth';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { keepVerifiedUntil, VERIFIED_TOKEN_MAX_AGE_MS } from './auth.ts';
import { type RunningGateway, startGateway } from './server.ts';

const JWT_SECRET = randomBytes(32).toString('base64url');
const INTERNAL_SECRET = randomBytes(32).toString('base64url');
const API_KEY = `alk_${randomBytes(32).toString('base64url')}`;
const QUERY = '{ strategyTemplates { id } }';

/**
 * The strategy subgraph as the gateway sees it: it answers every operation with one template, after checking the
 * identity the gateway signed into it, and records whom it served.
 */
async function startStrategyStub(): Promise<{ url: string; callers: Identity[]; close: () => Promise<void> }> {
  const verifier = new IdentityVerifier(INTERNAL_SECRET);
  const callers: Identity[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const { extensions } = JSON.parse(body) as { extensions?: { identity?: unknown } };
      verifier.verify(extensions?.identity).then(
        (caller) => {
          callers.push(caller);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { strategyTemplates: [{ __typename: 'StrategyTemplate', id: 'tpl' }] } }));
        },
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'unsigned', extensions: { code: 'UNAUTHENTICATED' } }] }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    callers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An HS256 token of `sub` with the given role, expiring at `exp` (seconds since the epoch). */
function token(sub: string, exp: number, roles: readonly string[] = ['viewer']): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(exp - 3_600)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

interface Answer {
  readonly data?: { strategyTemplates?: { id: string }[] } | null;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

async function overHttp(url: string, bearer: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query: QUERY }),
  });
  return (await response.json()) as Answer;
}

async function overWs(url: string, bearer: string): Promise<Answer> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${bearer}` },
    retryAttempts: 0,
  });
  try {
    const events = client.iterate({ query: QUERY });
    const first = await events.next();
    await events.return?.();
    return first.value as Answer;
  } finally {
    await client.dispose();
  }
}

const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

describe('gateway authentication: verified tokens kept until they expire, API keys never kept', () => {
  let gateway: RunningGateway;
  let stub: Awaited<ReturnType<typeof startStrategyStub>>;
  const keyOwner: { current: Identity | null } = { current: { sub: 'bot-owner', role: 'trader', apiKeyId: 'k-1' } };

  beforeAll(async () => {
    stub = await startStrategyStub();
    gateway = await startGateway({
      port: 0,
      host: '127.0.0.1',
      logging: false,
      subgraphUrls: { strategy: stub.url },
      auth: {
        jwtSecret: JWT_SECRET,
        internalSecret: INTERNAL_SECRET,
        verifyApiKey: async (key) => (key === API_KEY ? keyOwner.current : null),
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await stub?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves a token again while it is valid and refuses it from its expiry on, over HTTP and graphql-ws', async () => {
    const start = Date.UTC(2030, 0, 1, 12);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const exp = start / 1000 + 120;
    const bearer = await token('alice', exp);
    for (const send of [overHttp, overWs]) {
      vi.setSystemTime(start);
      const url = send === overHttp ? gateway.url : gateway.wsUrl;
      for (let i = 0; i < 3; i++) expect((await send(url, bearer)).data?.strategyTemplates).toEqual([{ id: 'tpl' }]);
      vi.setSystemTime(exp * 1000 - 1);
      expect((await send(url, bearer)).data?.strategyTemplates, send.name).toEqual([{ id: 'tpl' }]);
      vi.setSystemTime(exp * 1000);
      const refused = await send(url, bearer);
      expect(code(refused), send.name).toBe('UNAUTHENTICATED');
      expect(refused.errors?.[0]?.message).toMatch(/expired/);
    }
    // Every answered operation reached the subgraph as alice, with a viewer's role.
    expect(stub.callers.length).toBeGreaterThanOrEqual(8);
    expect(new Set(stub.callers.map((c) => `${c.sub}/${c.role}`))).toEqual(new Set(['alice/viewer']));
  });

  it('keeps each token apart: another subject, or a role-less token, is never served as the one kept', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const alice = await token('alice', exp);
    const bob = await token('bob', exp, ['admin']);
    const roleless = await token('carol', exp, []);
    stub.callers.length = 0;
    for (const bearer of [alice, bob, alice, bob]) await overHttp(gateway.url, bearer);
    expect(stub.callers.map((c) => `${c.sub}/${c.role}`)).toEqual([
      'alice/viewer',
      'bob/admin',
      'alice/viewer',
      'bob/admin',
    ]);
    for (let i = 0; i < 2; i++) expect(code(await overHttp(gateway.url, roleless))).toBe('UNAUTHENTICATED');
    // A forged copy of a kept token (its claims changed, its signature kept) is verified, and refused.
    const [header, , signature] = alice.split('.');
    const claims = Buffer.from(JSON.stringify({ roles: ['admin'], sub: 'alice', exp })).toString('base64url');
    expect(code(await overHttp(gateway.url, `${header}.${claims}.${signature}`))).toBe('UNAUTHENTICATED');
  });

  it('refuses an API key from the first request after its revocation, over HTTP and graphql-ws', async () => {
    keyOwner.current = { sub: 'bot-owner', role: 'trader', apiKeyId: 'k-1' };
    stub.callers.length = 0;
    expect((await overHttp(gateway.url, API_KEY)).data?.strategyTemplates).toEqual([{ id: 'tpl' }]);
    expect((await overWs(gateway.wsUrl, API_KEY)).data?.strategyTemplates).toEqual([{ id: 'tpl' }]);
    expect(stub.callers).toEqual([keyOwner.current, keyOwner.current]);
    keyOwner.current = null;
    expect(code(await overHttp(gateway.url, API_KEY))).toBe('UNAUTHENTICATED');
    expect(code(await overWs(gateway.wsUrl, API_KEY))).toBe('UNAUTHENTICATED');
  });
});

describe('keepVerifiedUntil', () => {
  const now = Date.UTC(2030, 0, 1);

  it('keeps a token until its exp, and never longer than the JWKS key cache trusts a key', () => {
    expect(VERIFIED_TOKEN_MAX_AGE_MS).toBe(10 * 60_000);
    expect(keepVerifiedUntil({ exp: now / 1000 + 60 }, now)).toBe(now + 60_000);
    expect(keepVerifiedUntil({ exp: now / 1000 + 7_200 }, now)).toBe(now + 10 * 60_000);
    // A token without exp (jsonwebtoken accepts one) is kept for the max age only.
    expect(keepVerifiedUntil({}, now)).toBe(now + 10 * 60_000);
    expect(keepVerifiedUntil({ exp: 'tomorrow' }, now)).toBe(now + 10 * 60_000);
  });
});
