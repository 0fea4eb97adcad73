import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { type Signal, toStandardSignal } from '@alphintra/core';
import {
  countWebhookDeliveries,
  createWebhook,
  type Database,
  deleteWebhook,
  getWebhookDelivery,
  insertSignals,
  listWebhookDeliveries,
  listWebhooks,
  listWebhookTargets,
  openDatabase,
  readOutbox,
  replayWebhookDelivery,
  rotateWebhookSecret,
  schema,
  setWebhookPaused,
  type WebhookFilter,
} from '@alphintra/db';
import {
  createTestDatabase,
  type ReceiverBehaviour,
  serviceUrl,
  syntheticSignal,
  verifyStandardWebhook,
  WebhookReceiver,
} from '@alphintra/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookChannel } from './channel.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import type { WebhookSettings } from './settings.ts';
import { generateWebhookSecret } from './signing.ts';

const postgresUrl = serviceUrl('DATABASE_URL');
const adapters = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'Postgres', url: postgresUrl, enabled: postgresUrl !== undefined },
];

/** Short delays so that retries happen within a test; the receivers are on 127.0.0.1. */
const FAST: Partial<WebhookSettings> = {
  allowPrivate: true,
  timeoutMs: 400,
  backoffBaseMs: 20,
  backoffMaxMs: 80,
  pollMs: 10,
};

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(adapters)('webhook delivery on $name', ({ url, enabled }) => {
  let database: Database;
  let drop = async () => {};
  let strategy: { id: string; name: string; version: number; source: 'NO_CODE' };
  let cursor = 0;
  let minute = 0;
  const receivers: WebhookReceiver[] = [];
  const dispatchers: WebhookDispatcher[] = [];

  async function receiver(options: Parameters<typeof WebhookReceiver.start>[0] = {}) {
    const started = await WebhookReceiver.start(options);
    receivers.push(started);
    return started;
  }

  function dispatcher(settings: Partial<WebhookSettings> = {}) {
    const started = new WebhookDispatcher({
      db: database.db,
      log: { warn: () => {} },
      settings: { ...FAST, ...settings },
    });
    dispatchers.push(started);
    started.start();
    return started;
  }

  async function register(target: string, filter: WebhookFilter = {}) {
    const secret = generateWebhookSecret();
    const webhook = await createWebhook(database.db, { url: target, description: 'test', filter, secret });
    return { ...webhook, secret };
  }

  /** Stores `count` new signals (one a minute) and hands the outbox to the webhook channel, as the relay does. */
  async function publish(count: number, symbol = 'XRPETH'): Promise<Signal[]> {
    const batch = Array.from({ length: count }, () =>
      syntheticSignal(strategy, Date.UTC(2024, 0, 1) + minute++ * 60_000, symbol),
    );
    await insertSignals(database.db, batch);
    await relay();
    return batch;
  }

  async function relay() {
    const channel = webhookChannel({
      db: database.db,
      onQueued: () => {
        for (const d of dispatchers) d.wake();
      },
    });
    for (;;) {
      const outbox = await readOutbox(database.db, { afterSeq: cursor, limit: 100 });
      if (outbox.length === 0) return;
      await channel.deliver(outbox);
      cursor = outbox.at(-1)?.seq ?? cursor;
    }
  }

  async function deliveriesOf(webhookId: string) {
    return (await listWebhookDeliveries(database.db, { webhookId, first: 100 })).items.map((i) => i.node);
  }

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (url) {
      const created = await createTestDatabase(url);
      dbUrl = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url: dbUrl });
    const [row] = await database.db
      .insert(schema.strategies)
      .values({ name: 'webhook source' })
      .returning({ id: schema.strategies.id });
    strategy = { id: row?.id ?? '', name: 'webhook source', version: 1, source: 'NO_CODE' };
  });

  afterEach(async () => {
    if (!enabled) return;
    for (const d of dispatchers.splice(0)) await d.stop();
    for (const r of receivers.splice(0)) await r.close();
    for (const w of await listWebhooks(database.db)) await deleteWebhook(database.db, w.id);
  });

  afterAll(async () => {
    await database?.close();
    await drop();
  });

  it.runIf(enabled)(
    'delivers the standard JSON signed per Standard Webhooks, as the specification verifies it',
    async () => {
      const target = await receiver();
      const hook = await register(target.url);
      target.secrets = [hook.secret];
      dispatcher();
      const sent = await publish(3);
      await waitFor(
        '3 recorded deliveries',
        async () => (await countWebhookDeliveries(database.db, hook.id)).DELIVERED === 3,
      );

      expect(target.requests.every((r) => r.rejected === null)).toBe(true);
      expect(target.requests.map((r) => JSON.parse(r.body))).toEqual(sent.map((s) => toStandardSignal(s)));
      expect(target.requests.map((r) => r.contentType)).toEqual(Array(3).fill('application/json'));
      expect(target.requests.every((r) => /^msg_[A-Za-z0-9_-]+$/.test(r.id))).toBe(true);
      expect(new Set(target.requests.map((r) => r.id)).size).toBe(3);
      const deliveries = await deliveriesOf(hook.id);
      expect(deliveries.map((d) => [d.status, d.attemptCount, d.attempts[0]?.httpStatus])).toEqual(
        Array(3).fill(['DELIVERED', 1, 204]),
      );
      expect(new Set(deliveries.map((d) => d.id))).toEqual(new Set(target.requests.map((r) => r.id)));

      // A stale message, built by hand with the right secret: the receiver refuses it.
      const [first] = target.requests;
      if (!first) throw new Error('no request');
      const staleTs = String(Math.floor(Date.now() / 1000) - 10 * 60);
      const key = Buffer.from(hook.secret.slice('whsec_'.length), 'base64');
      const staleSig = `v1,${createHmac('sha256', key).update(`${first.id}.${staleTs}.${first.body}`).digest('base64')}`;
      expect(
        verifyStandardWebhook(hook.secret, { id: first.id, timestamp: staleTs, signature: staleSig }, first.body),
      ).toBe('timestamp too old');
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'webhook-id': first.id, 'webhook-timestamp': staleTs, 'webhook-signature': staleSig },
        body: first.body,
      });
      expect(response.status).toBe(401);
      // A tampered body does not verify either.
      expect(
        verifyStandardWebhook(
          hook.secret,
          { id: first.id, timestamp: first.timestamp, signature: first.signature },
          `${first.body} `,
        ),
      ).toBe('no matching signature');
    },
  );

  it.runIf(enabled)('signs with both secrets during a rotation, with the new one only after it', async () => {
    const knowsNew = await receiver();
    const knowsOld = await receiver();
    const newSide = await register(knowsNew.url);
    const oldSide = await register(knowsOld.url);
    knowsOld.secrets = [oldSide.secret];
    const fresh = { new: generateWebhookSecret(), old: generateWebhookSecret() };
    await rotateWebhookSecret(database.db, {
      id: newSide.id,
      secret: fresh.new,
      previousExpiresAt: new Date(Date.now() + 3_600_000),
    });
    await rotateWebhookSecret(database.db, {
      id: oldSide.id,
      secret: fresh.old,
      previousExpiresAt: new Date(Date.now() + 3_600_000),
    });
    knowsNew.secrets = [fresh.new];
    dispatcher();
    await publish(1);
    await waitFor('both receivers to accept', () => knowsNew.accepted.length === 1 && knowsOld.accepted.length === 1);
    expect(knowsNew.requests[0]?.signature.split(' ')).toHaveLength(2);

    // The grace is over: only the new secret signs, and a receiver that still has the old one refuses.
    await rotateWebhookSecret(database.db, {
      id: oldSide.id,
      secret: generateWebhookSecret(),
      previousExpiresAt: new Date(Date.now() - 1),
    });
    knowsOld.behave = () => ({ kind: 'answer' });
    await publish(1);
    await waitFor('the second message at the old-secret receiver', () => knowsOld.requests.length >= 2);
    expect(knowsOld.requests[1]?.signature.split(' ')).toHaveLength(1);
    expect(knowsOld.requests[1]?.rejected).toBe('no matching signature');
  });

  it.runIf(enabled)(
    'retries a receiver that is down, 500s, hangs, redirects and answers garbage, with one webhook-id, until it answers 2xx',
    async () => {
      const port = await freePort();
      const hook = await register(`http://127.0.0.1:${port}/hooks/signals`);
      dispatcher();
      const [signal] = await publish(1);
      const [queued] = await deliveriesOf(hook.id);
      if (!queued || !signal) throw new Error('no delivery');
      await waitFor(
        'the refused attempt',
        async () => ((await getWebhookDelivery(database.db, queued.id))?.attemptCount ?? 0) >= 1,
      );

      const script: ReceiverBehaviour[] = [
        { kind: 'answer', status: 500 },
        { kind: 'hang' },
        { kind: 'answer', status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } },
        { kind: 'garbage' },
      ];
      const target = await receiver({
        port,
        secrets: [hook.secret],
        behave: (_r, i) => script[i] ?? { kind: 'answer' },
      });
      await waitFor(
        'the delivery',
        async () => (await getWebhookDelivery(database.db, queued.id))?.status === 'DELIVERED',
      );

      const delivery = await getWebhookDelivery(database.db, queued.id);
      const attempts = delivery?.attempts ?? [];
      expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_a, i) => i + 1));
      // One or more refused attempts (the receiver was down), then one per scripted answer.
      const refusedCount = attempts.length - 5;
      expect(refusedCount).toBeGreaterThanOrEqual(1);
      for (const a of attempts.slice(0, refusedCount))
        expect([a.httpStatus, a.error]).toEqual([null, 'connection refused']);
      const answered = attempts.slice(refusedCount);
      expect(answered.map((a) => a.httpStatus)).toEqual([500, null, 302, null, 204]);
      const errors = answered.map((a) => a.error);
      expect(errors[0]).toBe('HTTP 500');
      expect(errors[1]).toMatch(/^timeout/);
      expect(errors[2]).toBe('redirect (HTTP 302 to http://127.0.0.1:1/elsewhere) not followed');
      expect(errors[3]).toMatch(/^invalid HTTP response/);
      expect(errors[4]).toBeNull();
      expect(target.requests).toHaveLength(5);
      expect(new Set(target.requests.map((r) => r.id))).toEqual(new Set([queued.id]));
      expect(
        target.requests.every((r) => r.rejected === null && r.body === JSON.stringify(toStandardSignal(signal))),
      ).toBe(true);
      expect(target.accepted).toHaveLength(1);
    },
  );

  it.runIf(enabled)('keeps delivering to a healthy receiver while another hangs on every request', async () => {
    const healthy = await receiver();
    const stuck = await receiver({ behave: () => ({ kind: 'hang' }) });
    const good = await register(healthy.url);
    const bad = await register(stuck.url);
    healthy.secrets = [good.secret];
    dispatcher({ timeoutMs: 2_000 });
    const sent = [...(await publish(10, 'XRPETH')), ...(await publish(10, 'ETHBTC'))];
    await waitFor('every signal at the healthy receiver', () => healthy.accepted.length === 20);

    const bySymbol = (symbol: string) =>
      healthy.accepted
        .map((r) => JSON.parse(r.body) as { signal_id: string; symbol: string })
        .filter((s) => s.symbol === symbol)
        .map((s) => s.signal_id);
    expect(bySymbol('XRPETH')).toEqual(sent.filter((s) => s.symbol === 'XRPETH').map((s) => s.id));
    expect(bySymbol('ETHBTC')).toEqual(sent.filter((s) => s.symbol === 'ETHBTC').map((s) => s.id));
    const counts = await countWebhookDeliveries(database.db, bad.id);
    expect(counts.DELIVERED).toBe(0);
    expect(counts.PENDING + counts.FAILED).toBe(20);
  });

  it.runIf(enabled)('dead-letters after the retry window, and a replay delivers it', async () => {
    const target = await receiver({ behave: () => ({ kind: 'answer', status: 503 }) });
    const hook = await register(target.url);
    target.secrets = [hook.secret];
    const running = dispatcher({ retryWindowMs: 150 });
    await publish(1);
    const [queued] = await deliveriesOf(hook.id);
    if (!queued) throw new Error('no delivery');
    await waitFor('the dead letter', async () => (await getWebhookDelivery(database.db, queued.id))?.status === 'DEAD');
    const dead = await getWebhookDelivery(database.db, queued.id);
    expect(dead?.attempts.length).toBeGreaterThanOrEqual(1);
    expect(dead?.attempts.every((a) => a.httpStatus === 503 && a.error === 'HTTP 503')).toBe(true);
    expect(dead?.nextAttemptAt).toBeNull();

    target.behave = () => ({ kind: 'answer' });
    const replayed = await replayWebhookDelivery(database.db, queued.id, new Date());
    expect(replayed).toMatchObject({ status: 'PENDING', firstAttemptAt: null });
    running.wake();
    await waitFor(
      'the replayed delivery',
      async () => (await getWebhookDelivery(database.db, queued.id))?.status === 'DELIVERED',
    );
    expect(target.accepted.map((r) => r.id)).toEqual([queued.id]);
    expect(await replayWebhookDelivery(database.db, queued.id, new Date())).toBe('NOT_REPLAYABLE');
    expect(await replayWebhookDelivery(database.db, 'msg_nothing', new Date())).toBe('NOT_FOUND');
  });

  it.runIf(enabled)('holds a paused webhook’s deliveries and sends them on resume', async () => {
    const witness = await receiver();
    const paused = await receiver();
    const seen = await register(witness.url);
    const held = await register(paused.url);
    witness.secrets = [seen.secret];
    paused.secrets = [held.secret];
    await setWebhookPaused(database.db, held.id, true);
    const running = dispatcher();
    const sent = await publish(4);
    await waitFor('the witness', () => witness.accepted.length === 4);
    expect(paused.requests).toHaveLength(0);
    expect((await deliveriesOf(held.id)).map((d) => d.status)).toEqual(Array(4).fill('PENDING'));

    await setWebhookPaused(database.db, held.id, false);
    running.wake();
    await waitFor('the resumed webhook', () => paused.accepted.length === 4);
    expect(paused.accepted.map((r) => (JSON.parse(r.body) as { signal_id: string }).signal_id)).toEqual(
      sent.map((s) => s.id),
    );
  });

  // Postgres only: it needs a registration and a signal insert in flight at once, on two connections (PGlite has one,
  // so the two cannot overlap there).
  if (url !== undefined) {
    it.runIf(enabled)(
      'a webhook registered while signals are being stored receives every signal after its place in the outbox',
      async () => {
        await publish(1); // the outbox is not empty
        // The registration's insert is held for 300 ms after its row (and so its place in the outbox) is computed:
        // a signal batch stored meanwhile, and handed to the channel, must still reach it if it comes after that place.
        await database.db.execute(`create function hold_webhook_insert() returns trigger language plpgsql as $$
        begin perform pg_sleep(0.3); return new; end $$`);
        await database.db.execute(
          'create trigger hold_webhook_insert before insert on webhooks for each row execute function hold_webhook_insert()',
        );
        try {
          const registering = register('http://127.0.0.1:1/late');
          await waitFor('the registration in flight', async () => {
            const rows = await database.db.execute(
              "select 1 from pg_stat_activity where query like 'insert into \"webhooks\"%' and state = 'active'",
            );
            return [...(rows as unknown as unknown[])].length > 0;
          });
          const sent = await publish(3);
          const hook = await registering;
          await relay();
          const target = (await listWebhookTargets(database.db)).find((t) => t.id === hook.id);
          const after = (await readOutbox(database.db, { afterSeq: target?.afterSeq ?? 0, limit: 100 })).map(
            (s) => s.id,
          );
          // Whichever went first, the webhook gets exactly what was stored after its place: here, the three.
          expect(after).toEqual(sent.map((s) => s.id));
          expect((await deliveriesOf(hook.id)).map((d) => d.signalId).sort()).toEqual([...after].sort());
        } finally {
          await database.db.execute('drop trigger hold_webhook_insert on webhooks');
          await database.db.execute('drop function hold_webhook_insert()');
        }
      },
    );
  }

  it.runIf(enabled)(
    'queues deliveries for matching webhooks only, once, and only signals stored after registration',
    async () => {
      await publish(1, 'XRPETH'); // before any webhook: history
      const all = await register('http://127.0.0.1:1/all');
      const xrpBuys = await register('http://127.0.0.1:1/xrp-buys', { symbols: ['XRPETH'], actions: ['BUY'] });
      const confident = await register('http://127.0.0.1:1/confident', { minConfidence: 0.9 });
      const other = await register('http://127.0.0.1:1/other', {
        strategyIds: ['00000000-0000-4000-8000-000000000000'],
      });
      const sent = [...(await publish(4, 'XRPETH')), ...(await publish(2, 'ETHBTC'))];
      // The relay hands the same batch over again: nothing changes.
      await webhookChannel({ db: database.db }).deliver(await readOutbox(database.db, { afterSeq: 0, limit: 1_000 }));

      const idsOf = async (webhookId: string) => (await deliveriesOf(webhookId)).map((d) => d.signalId).sort();
      expect(await idsOf(all.id)).toEqual(sent.map((s) => s.id).sort());
      expect(await idsOf(xrpBuys.id)).toEqual(
        sent
          .filter((s) => s.symbol === 'XRPETH' && s.action === 'BUY')
          .map((s) => s.id)
          .sort(),
      );
      expect(await idsOf(confident.id)).toEqual([]);
      expect(await idsOf(other.id)).toEqual([]);
    },
  );
});
