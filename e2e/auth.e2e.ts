import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdentitySigner } from '@alphintra/auth';
import {
  ActivateStrategyDocument,
  AlphintraClient,
  ApiKeysDocument,
  ArchiveStrategyDocument,
  AuditLogDocument,
  CreateApiKeyDocument,
  CreateStrategyDocument,
  DeactivateStrategyDocument,
  DeleteWebhookDocument,
  GraphQLRequestError,
  LiveCandlesDocument,
  LiveSignalsDocument,
  PauseWebhookDocument,
  PromoteStrategyDocument,
  RegisterWebhookDocument,
  ReplayWebhookDeliveryDocument,
  ResumeWebhookDocument,
  RevokeApiKeyDocument,
  RollbackStrategyDocument,
  RotateWebhookSecretDocument,
  SetStrategyVisibilityDocument,
  SignalDocument,
  SignalStatsDocument,
  SignalsDocument,
  StrategiesDocument,
  StrategyDocument,
  StrategySignalsDocument,
  StrategyTemplatesDocument,
  TestWebhookDocument,
  UpdateStrategyDocument,
  WebhookDocument,
  WebhooksDocument,
} from '@alphintra/client';
import type { Signal } from '@alphintra/core';
import { insertSignals, rowsOf } from '@alphintra/db';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, syntheticSignal, uniqueSuffix } from '@alphintra/testkit';
import { DEFAULT_WEBHOOK_SETTINGS, webhookDeliveryId } from '@alphintra/webhooks';
import { sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, testPlatformConfig, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'alphintra';
const STRATEGY_DOCUMENT = {
  version: 1,
  interval: '1m',
  indicators: { atr: { type: 'ATR', period: 14 } },
  rules: [{ id: 'up', side: 'BUY', when: { gt: [{ field: 'close' }, 0] } }],
  stopLoss: { percent: 1 },
  takeProfit: { percent: 2 },
};

/** A JSON Web Key Set served over HTTP as identity providers do (`GET` -> `{ "keys": [...] }`), counting fetches. */
async function startJwksServer(
  keys: JWK[],
): Promise<{ url: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Starts a platform with `auth`, on its own database (PostgreSQL when `DATABASE_URL` is set, else PGlite). */
async function startWithAuth(auth: NonNullable<Parameters<typeof startPlatform>[0]['auth']>) {
  let drop = async () => {};
  let url: string | undefined;
  if (databaseUrl) {
    const created = await createTestDatabase(databaseUrl);
    url = created.url;
    drop = created.drop;
  }
  const platform = await startPlatform(
    {
      ...testPlatformConfig({ suffix: uniqueSuffix(), databaseUrl: url }),
      webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true, pollMs: 20 },
      auth,
    },
    () => silentLog,
  );
  return { platform, drop };
}

/** The `extensions.code` an operation fails with over graphql-ws (its first event must be an error). */
async function wsErrorCode(client: AlphintraClient): Promise<string | undefined> {
  const events = client.subscribe(LiveCandlesDocument, { symbol: 'XRPETH', interval: '1m' });
  try {
    const error = await events.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphQLRequestError);
    return (error as GraphQLRequestError).code;
  } finally {
    await events.return?.();
  }
}

describe('authentication with RS256 / ES256 tokens from a JWKS', () => {
  let platform: Platform;
  let drop = async () => {};
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
  const clients: AlphintraClient[] = [];

  /** A token as the identity provider would sign it, with any claim overridden. */
  async function token(
    sub: string,
    roles: unknown,
    options: {
      key?: CryptoKey;
      alg?: 'RS256' | 'ES256';
      kid?: string;
      iss?: string;
      aud?: string;
      exp?: number;
      nbf?: number;
    } = {},
  ): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles })
      .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1') })
      .setSubject(sub)
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(options.nbf ?? now - 5)
      .setExpirationTime(options.exp ?? now + 600)
      .sign(options.key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey));
  }

  /** Stores signals as the engine would and wakes the relays (pub/sub, Kafka, webhooks). */
  async function store(signals: readonly Signal[]): Promise<void> {
    await insertSignals(platform.database.db, signals);
    for (const relay of platform.relays) relay.wake();
  }

  /** A strategy of `client`'s caller, private unless told otherwise. */
  async function strategyOf(client: AlphintraClient, visibility: 'PRIVATE' | 'PUBLIC' = 'PRIVATE') {
    const { createStrategy } = await client.request(CreateStrategyDocument, {
      input: { name: `s-${uniqueSuffix()}`, symbols: ['XRPETH'], document: STRATEGY_DOCUMENT, visibility },
    });
    return { ...createStrategy.strategy, source: 'NO_CODE' as const };
  }

  function clientWith(bearer?: string): AlphintraClient {
    const client = new AlphintraClient({
      url: platform.gateway.url,
      retryAttempts: 0,
      ...(bearer === undefined ? {} : { token: bearer }),
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    jwks = await startJwksServer([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ]);
    ({ platform, drop } = await startWithAuth({
      jwksUrl: jwks.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      roleClaim: 'roles',
      internalSecret: randomBytes(32).toString('base64url'),
    }));
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await platform?.close();
    await jwks?.close();
    await drop();
  });

  it('accepts valid RS256 and ES256 tokens, and refuses every forged one over HTTP and graphql-ws', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { strategyTemplates } = await clientWith(await token('vera', ['viewer'], { alg })).request(
        StrategyTemplatesDocument,
      );
      expect(strategyTemplates.length).toBeGreaterThan(0);
    }
    // The keys are cached: more requests with known keys fetch nothing.
    const fetched = jwks.fetches();
    for (const alg of ['RS256', 'ES256', 'RS256'] as const) {
      await clientWith(await token('vera', ['viewer'], { alg })).request(StrategyTemplatesDocument);
    }
    expect(jwks.fetches()).toBe(fetched);
    const now = Math.floor(Date.now() / 1000);
    const forged: Record<string, string | undefined> = {
      'no token': undefined,
      'not a JWT': 'garbage',
      'wrong signature': await token('mallory', ['admin'], { key: stranger.privateKey }),
      'unknown key id': await token('mallory', ['admin'], { key: stranger.privateKey, kid: 'rsa-9' }),
      'alg none': new UnsecuredJWT({ roles: ['admin'] })
        .setSubject('mallory')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(now + 600)
        .encode(),
      expired: await token('mallory', ['admin'], { exp: now - 60, nbf: now - 600 }),
      'not yet valid': await token('mallory', ['admin'], { nbf: now + 600 }),
      'wrong issuer': await token('mallory', ['admin'], { iss: 'https://elsewhere.test' }),
      'wrong audience': await token('mallory', ['admin'], { aud: 'another-api' }),
      'no role': await token('mallory', ['superuser']),
      'unknown API key': `alk_${randomBytes(32).toString('base64url')}`,
    };
    const fetchedBefore = jwks.fetches();
    for (const [what, bearer] of Object.entries(forged)) {
      const client = clientWith(bearer);
      const refused = await expectUserError(client.request(StrategyTemplatesDocument), 'UNAUTHENTICATED');
      expect(refused?.message, what).toMatch(/authentication required|token|API key/);
      expect(await wsErrorCode(client), what).toBe('UNAUTHENTICATED');
    }
    // A key id not in the cached set made the gateway fetch the set again (a rotated key is picked up).
    expect(jwks.fetches()).toBeGreaterThan(fetchedBefore);
  });

  it('shows an API key once, stores only its hash, accepts it as a bearer token, and ends it at once', async () => {
    const alice = clientWith(await token('alice', ['trader']));
    await expectUserError(alice.request(CreateApiKeyDocument, { input: { name: 'bot', role: 'ADMIN' } }), 'FORBIDDEN');
    await expectUserError(
      alice.request(CreateApiKeyDocument, {
        input: { name: 'bot', role: 'TRADER', expiresAt: new Date(Date.now() - 1000).toISOString() },
      }),
      'BAD_USER_INPUT',
      'input.expiresAt',
    );
    const { createApiKey } = await alice.request(CreateApiKeyDocument, { input: { name: 'bot', role: 'TRADER' } });
    expect(createApiKey.apiKey).toMatchObject({ name: 'bot', owner: 'alice', role: 'TRADER', revokedAt: null });
    const { key } = createApiKey;
    const stored = JSON.stringify(
      rowsOf(await platform.database.db.execute(sql`select * from api_keys where id = ${createApiKey.apiKey.id}`)),
    );
    expect(stored).toContain(createHash('sha256').update(key).digest('hex'));
    expect(stored).not.toContain(key);

    // The key acts as alice, with its own role: it creates a strategy she owns.
    const bot = clientWith(key);
    const { createStrategy } = await bot.request(CreateStrategyDocument, {
      input: { name: `bot-${uniqueSuffix()}`, symbols: ['XRPETH'], document: STRATEGY_DOCUMENT },
    });
    expect(createStrategy.strategy.owner).toBe('alice');
    expect((await bot.request(ApiKeysDocument)).apiKeys.map((k) => k.id)).toContain(createApiKey.apiKey.id);

    // A subscription open with a key ends as soon as the key is revoked.
    const { createApiKey: streaming } = await alice.request(CreateApiKeyDocument, {
      input: { name: 'stream', role: 'VIEWER' },
    });
    const own = await strategyOf(alice);
    const events = clientWith(streaming.key).subscribe(LiveSignalsDocument, {
      filter: { strategyIds: [own.id] },
      since: new Date(0).toISOString(),
    });
    const first = events.next();
    const signal = syntheticSignal(own, 1_700_000_400_000);
    await store([signal]);
    expect((await first).value?.signals.id).toBe(signal.id);
    const ended = expectUserError(events.next(), 'UNAUTHENTICATED');
    await alice.request(RevokeApiKeyDocument, { input: { id: streaming.apiKey.id } });
    expect((await ended)?.message).toBe('the API key was revoked');

    // A key past its expiry is refused (its time moved back in the database rather than waited for).
    const { createApiKey: expiring } = await alice.request(CreateApiKeyDocument, {
      input: { name: 'short-lived', role: 'VIEWER', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const shortLived = clientWith(expiring.key);
    expect((await shortLived.request(ApiKeysDocument)).apiKeys.length).toBeGreaterThan(0);
    await platform.database.db.execute(
      sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.apiKey.id}`,
    );
    await expectUserError(shortLived.request(ApiKeysDocument), 'UNAUTHENTICATED');

    // Revoked elsewhere (another process, straight in the database): the very next request is refused.
    await platform.database.db.execute(
      sql`update api_keys set revoked_at = now() where id = ${createApiKey.apiKey.id}`,
    );
    await expectUserError(bot.request(ApiKeysDocument), 'UNAUTHENTICATED');
    expect(await wsErrorCode(clientWith(key))).toBe('UNAUTHENTICATED');
  });

  it('subscribes with a valid token over graphql-ws and receives signals', async () => {
    const admin = clientWith(await token('root', ['admin'], { alg: 'ES256' }));
    const { createStrategy } = await admin.request(CreateStrategyDocument, {
      input: { name: `ws-${uniqueSuffix()}`, symbols: ['XRPETH'], document: STRATEGY_DOCUMENT },
    });
    // From the start of time: the signal arrives from the record or live, whichever comes first.
    const events = admin.subscribe(LiveSignalsDocument, {
      filter: { strategyIds: [createStrategy.strategy.id] },
      since: new Date(0).toISOString(),
    });
    const first = events.next();
    const signal = syntheticSignal({ ...createStrategy.strategy, source: 'NO_CODE' }, 1_700_000_040_000);
    await store([signal]);
    expect((await first).value?.signals.id).toBe(signal.id);
    await events.return?.();
  });

  it('refuses an archive whose audit record cannot be written, leaving the strategy as it was', async () => {
    const alice = clientWith(await token('alice', ['trader']));
    const { createStrategy } = await alice.request(CreateStrategyDocument, {
      input: { name: `tx-${uniqueSuffix()}`, symbols: ['XRPETH'], document: STRATEGY_DOCUMENT },
    });
    const { id } = createStrategy.strategy;
    const db = platform.database.db;
    await db.execute(sql`alter table audit_log add constraint no_archive check (operation <> 'archiveStrategy')`);
    try {
      await expectUserError(alice.request(ArchiveStrategyDocument, { input: { id } }), 'INTERNAL_SERVER_ERROR');
    } finally {
      await db.execute(sql`alter table audit_log drop constraint no_archive`);
    }
    const [row] = rowsOf<{ status: string }>(await db.execute(sql`select status from strategies where id = ${id}`));
    expect(row?.status).toBe('INACTIVE');
  });

  it('keeps a trader to their own strategies, webhooks and signals on every field that touches them', async () => {
    const alice = clientWith(await token('alice', ['trader']));
    const bob = clientWith(await token('bob', ['trader']));
    const vic = clientWith(await token('vic', ['viewer']));
    const a = await strategyOf(alice);
    const b = await strategyOf(bob);
    const { registerWebhook: hookA } = await alice.request(RegisterWebhookDocument, {
      input: { url: 'http://127.0.0.1:9/alice' },
    });
    const { registerWebhook: hookB } = await bob.request(RegisterWebhookDocument, {
      input: { url: 'http://127.0.0.1:9/bob' },
    });
    const t = 1_700_000_100_000;
    const [a1, b1, a2, b2] = [
      syntheticSignal(a, t),
      syntheticSignal(b, t),
      syntheticSignal(a, t + 60_000),
      syntheticSignal(b, t + 60_000),
    ];
    const live = bob.subscribe(LiveSignalsDocument, {
      filter: { strategyIds: [a.id, b.id] },
      since: new Date(0).toISOString(),
    });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of live) {
        received.push(event.signals.id);
        if (event.signals.id === b2.id) break;
      }
    })();
    await store([a1, b1]);
    await store([a2, b2]);
    await reading;
    // In delivery order a2 came before b2: it was left out, not late.
    expect(received).toEqual([b1.id, b2.id]);

    // Reads: another trader's private strategy is FORBIDDEN by id and absent from lists; so are its signals.
    for (const client of [bob, vic]) {
      await expectUserError(client.request(StrategyDocument, { id: a.id }), 'FORBIDDEN');
      await expectUserError(client.request(StrategySignalsDocument, { id: a.id }), 'FORBIDDEN');
      await expectUserError(client.request(SignalDocument, { id: a1.id }), 'FORBIDDEN');
      const { strategies } = await client.request(StrategiesDocument, { first: 100 });
      expect(strategies.edges.map((e) => e.node.id)).not.toContain(a.id);
    }
    const { strategies } = await bob.request(StrategiesDocument, { first: 100 });
    expect(strategies.edges.map((e) => e.node.id)).toContain(b.id);
    const { signals } = await bob.request(SignalsDocument, { filter: { strategyIds: [a.id, b.id] }, first: 100 });
    expect(signals.edges.map((e) => e.node.id).sort()).toEqual([b1.id, b2.id].sort());
    const { signalStats } = await bob.request(SignalStatsDocument, {
      groupBy: ['STRATEGY'],
      filter: { strategyIds: [a.id, b.id] },
    });
    expect(signalStats.map((g) => [g.strategy?.id, g.count])).toEqual([[b.id, 2]]);

    // Changes: every strategy mutation on another's strategy is FORBIDDEN and changes nothing (issued one by one).
    const refusals = [
      () => bob.request(UpdateStrategyDocument, { input: { id: a.id, changeNote: 'mine now' } }),
      () => bob.request(RollbackStrategyDocument, { input: { id: a.id, version: 1 } }),
      () => bob.request(ActivateStrategyDocument, { input: { id: a.id } }),
      () => bob.request(DeactivateStrategyDocument, { input: { id: a.id } }),
      () => bob.request(PromoteStrategyDocument, { input: { id: a.id, version: 1 } }),
      () => bob.request(SetStrategyVisibilityDocument, { input: { id: a.id, visibility: 'PUBLIC' } }),
      () => bob.request(ArchiveStrategyDocument, { input: { id: a.id } }),
    ];
    for (const refused of refusals) await expectUserError(refused(), 'FORBIDDEN');
    await expectUserError(
      vic.request(CreateStrategyDocument, { input: { name: 'v', symbols: ['XRPETH'], template: 'ema-crossover' } }),
      'FORBIDDEN',
    );
    const { strategy } = await alice.request(StrategyDocument, { id: a.id });
    expect(strategy).toMatchObject({ version: 1, status: 'INACTIVE', visibility: 'PRIVATE' });

    // Webhooks: another's is FORBIDDEN, lists hold one's own, and each receives only what its owner may read.
    const webhookRefusals = [
      () => bob.request(WebhookDocument, { id: hookA.webhook.id }),
      () => bob.request(RotateWebhookSecretDocument, { input: { id: hookA.webhook.id } }),
      () => bob.request(PauseWebhookDocument, { input: { id: hookA.webhook.id } }),
      () => bob.request(ResumeWebhookDocument, { input: { id: hookA.webhook.id } }),
      () => bob.request(TestWebhookDocument, { input: { id: hookA.webhook.id } }),
      () => bob.request(DeleteWebhookDocument, { input: { id: hookA.webhook.id } }),
      () =>
        bob.request(ReplayWebhookDeliveryDocument, {
          input: { deliveryId: webhookDeliveryId(hookA.webhook.id, a1.id) },
        }),
    ];
    for (const refused of webhookRefusals) await expectUserError(refused(), 'FORBIDDEN');
    await expectUserError(
      bob.request(RegisterWebhookDocument, { input: { url: 'http://127.0.0.1:9/b', filter: { strategyIds: [a.id] } } }),
      'FORBIDDEN',
      'input.filter.strategyIds',
    );
    await expectUserError(vic.request(WebhooksDocument), 'FORBIDDEN');
    expect((await bob.request(WebhooksDocument)).webhooks.map((w) => w.id)).toEqual([hookB.webhook.id]);
    const deliveredTo = async (client: AlphintraClient, id: string) =>
      (await client.request(WebhookDocument, { id })).webhook?.deliveries.edges.map((e) => e.node.signal.id).sort();
    await waitFor('deliveries queued', async () => (await deliveredTo(bob, hookB.webhook.id))?.length === 2);
    await waitFor('deliveries queued', async () => (await deliveredTo(alice, hookA.webhook.id))?.length === 2);
    expect(await deliveredTo(bob, hookB.webhook.id)).toEqual([b1.id, b2.id].sort());
    expect(await deliveredTo(alice, hookA.webhook.id)).toEqual([a1.id, a2.id].sort());

    // Published: anyone authenticated reads the strategy and its signals, subscribes to them, and gets them by webhook.
    await alice.request(SetStrategyVisibilityDocument, { input: { id: a.id, visibility: 'PUBLIC' } });
    expect((await vic.request(StrategyDocument, { id: a.id })).strategy?.id).toBe(a.id);
    expect((await bob.request(SignalDocument, { id: a1.id })).signal?.id).toBe(a1.id);
    const a3 = syntheticSignal(a, t + 120_000);
    const viewerLive = vic.subscribe(LiveSignalsDocument, { filter: { strategyIds: [a.id] }, since: a2.id });
    const next = viewerLive.next();
    await store([a3]);
    expect((await next).value?.signals.id).toBe(a3.id);
    await viewerLive.return?.();
    await waitFor("the published signal reaches bob's webhook", async () =>
      ((await deliveredTo(bob, hookB.webhook.id)) ?? []).includes(a3.id),
    );
  });

  it('audits every mutation with who, what, entity, version and outcome; the log is for admins only', async () => {
    const alice = clientWith(await token('alice', ['trader']));
    const bob = clientWith(await token('bob', ['trader']));
    const admin = clientWith(await token('root', ['admin']));
    const a = await strategyOf(alice);
    await alice.request(UpdateStrategyDocument, { input: { id: a.id, symbols: ['XRPETH'], changeNote: 'v2' } });
    await expectUserError(
      bob.request(UpdateStrategyDocument, { input: { id: a.id, symbols: ['XRPETH'] } }),
      'FORBIDDEN',
    );
    // Bad input fails before anything is written: no version 3, and a FAILED record.
    await expectUserError(
      alice.request(UpdateStrategyDocument, { input: { id: a.id, document: { version: 1 } } }),
      'BAD_USER_INPUT',
    );
    expect((await alice.request(StrategyDocument, { id: a.id })).strategy?.version).toBe(2);
    const { createApiKey } = await bob.request(CreateApiKeyDocument, { input: { name: 'k', role: 'VIEWER' } });
    await expectUserError(alice.request(RevokeApiKeyDocument, { input: { id: createApiKey.apiKey.id } }), 'FORBIDDEN');
    // An admin revokes anyone's key, and sees everyone's.
    await admin.request(RevokeApiKeyDocument, { input: { id: createApiKey.apiKey.id } });
    expect((await admin.request(ApiKeysDocument)).apiKeys.map((k) => k.id)).toContain(createApiKey.apiKey.id);
    expect((await alice.request(ApiKeysDocument)).apiKeys.map((k) => k.id)).not.toContain(createApiKey.apiKey.id);

    await expectUserError(alice.request(AuditLogDocument, { first: 1 }), 'FORBIDDEN');
    const { auditLog } = await admin.request(AuditLogDocument, { filter: { entityId: a.id }, first: 10 });
    const records = auditLog.edges.map((e) => e.node);
    expect(records.map((r) => [r.operation, r.actor, r.actorRole, r.entityType, r.entityVersion, r.outcome])).toEqual([
      ['updateStrategy', 'alice', 'TRADER', 'strategy', null, 'FAILED'],
      ['updateStrategy', 'bob', 'TRADER', 'strategy', null, 'REFUSED'],
      ['updateStrategy', 'alice', 'TRADER', 'strategy', 2, 'SUCCEEDED'],
      ['createStrategy', 'alice', 'TRADER', 'strategy', 1, 'SUCCEEDED'],
    ]);
    expect(records[0]?.error).toMatch(/^BAD_USER_INPUT: /);
    expect(records[1]?.error).toMatch(/^FORBIDDEN: /);
    const keyRecords = await admin.request(AuditLogDocument, { filter: { entityId: createApiKey.apiKey.id } });
    expect(keyRecords.auditLog.edges.map((e) => [e.node.operation, e.node.actor, e.node.outcome])).toEqual([
      ['revokeApiKey', 'root', 'SUCCEEDED'],
      ['revokeApiKey', 'alice', 'REFUSED'],
      ['createApiKey', 'bob', 'SUCCEEDED'],
    ]);
    // Pages: newest first, by cursor.
    const first = await admin.request(AuditLogDocument, { filter: { entityId: a.id }, first: 3 });
    const rest = await admin.request(AuditLogDocument, {
      filter: { entityId: a.id },
      first: 3,
      after: first.auditLog.pageInfo.endCursor,
    });
    expect([...first.auditLog.edges, ...rest.auditLog.edges].map((e) => e.node.sequence)).toEqual(
      records.map((r) => r.sequence),
    );
  });

  it('lets no operation reach a subgraph without the identity the gateway signed', async () => {
    const [strategy] = platform.subgraphs;
    const direct = clientWith();
    const unsigned = new AlphintraClient({ url: (strategy as { url: string }).url, retryAttempts: 0 });
    clients.push(unsigned);
    await expectUserError(unsigned.request(StrategyTemplatesDocument), 'UNAUTHENTICATED');
    const forged = await new IdentitySigner('a-secret-the-subgraphs-do-not-know-at-all').sign({
      sub: 'x',
      role: 'admin',
    });
    const response = await fetch((strategy as { url: string }).url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ strategyTemplates { id } }', extensions: { identity: forged } }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const signal = platform.subgraphs.find((s) => s.name === 'signal') as { url: string };
    const unsignedWs = new AlphintraClient({ url: signal.url, retryAttempts: 0 });
    clients.push(unsignedWs);
    const events = unsignedWs.subscribe(LiveSignalsDocument, {});
    await expectUserError(events.next(), 'UNAUTHENTICATED');
    // Through the gateway the same operations need a token, not a signature.
    await expectUserError(direct.request(StrategyTemplatesDocument), 'UNAUTHENTICATED');
  });
});

describe('authentication with HS256 tokens and a role claim of its own', () => {
  const secret = randomBytes(32).toString('base64url');
  let platform: Platform;
  let drop = async () => {};
  const clients: AlphintraClient[] = [];

  async function hs256(claims: Record<string, unknown>, options: { secret?: string; exp?: number; nbf?: number } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('hana')
      .setIssuer('anyone')
      .setNotBefore(options.nbf ?? now - 5)
      .setExpirationTime(options.exp ?? now + 600)
      .sign(new TextEncoder().encode(options.secret ?? secret));
  }

  function clientWith(bearer: string): AlphintraClient {
    const client = new AlphintraClient({ url: platform.gateway.url, retryAttempts: 0, token: bearer });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    ({ platform, drop } = await startWithAuth({
      jwtSecret: secret,
      roleClaim: 'permissions',
      internalSecret: randomBytes(32).toString('base64url'),
    }));
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await platform?.close();
    await drop();
  });

  it('reads the role from the configured claim or a plain role string, with no issuer or audience set', async () => {
    for (const claims of [{ permissions: ['trader'] }, { role: 'trader' }]) {
      const client = clientWith(await hs256(claims));
      const { createApiKey } = await client.request(CreateApiKeyDocument, { input: { name: 'k', role: 'TRADER' } });
      expect(createApiKey.apiKey).toMatchObject({ owner: 'hana', role: 'TRADER' });
    }
    // `roles` is not the claim here: a token with only it names no role.
    await expectUserError(clientWith(await hs256({ roles: ['admin'] })).request(ApiKeysDocument), 'UNAUTHENTICATED');
  });

  it('refuses forged HS256 tokens over HTTP and graphql-ws', async () => {
    const now = Math.floor(Date.now() / 1000);
    const rsa = await generateKeyPair('RS256');
    const forged: Record<string, string> = {
      'wrong secret': await hs256({ permissions: ['admin'] }, { secret: randomBytes(32).toString('base64url') }),
      'alg none': new UnsecuredJWT({ permissions: ['admin'] })
        .setSubject('hana')
        .setExpirationTime(now + 600)
        .encode(),
      expired: await hs256({ permissions: ['admin'] }, { exp: now - 60, nbf: now - 600 }),
      'not yet valid': await hs256({ permissions: ['admin'] }, { nbf: now + 600 }),
      'another algorithm': await new SignJWT({ permissions: ['admin'] })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('hana')
        .setExpirationTime(now + 600)
        .sign(rsa.privateKey),
    };
    for (const [what, bearer] of Object.entries(forged)) {
      const client = clientWith(bearer);
      await expectUserError(client.request(ApiKeysDocument), 'UNAUTHENTICATED');
      expect(await wsErrorCode(client), what).toBe('UNAUTHENTICATED');
    }
  });
});
