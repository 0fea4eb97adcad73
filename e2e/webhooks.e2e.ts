import { AlphintraClient, RegisterWebhookDocument, WebhookDocument } from '@alphintra/client';
import { toStandardSignal } from '@alphintra/core';
import { readOutbox, runningStrategySpecs } from '@alphintra/db';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, uniqueSuffix, WebhookReceiver } from '@alphintra/testkit';
import { DEFAULT_WEBHOOK_SETTINGS } from '@alphintra/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestOf, candlesOf, expectUserError, TRADES_SLICE, testPlatformConfig, waitFor } from './support.ts';

const databaseUrl = serviceUrl('DATABASE_URL');

const modes = [
  { mode: 'PGlite', real: false, enabled: true },
  { mode: 'Postgres', real: true, enabled: databaseUrl !== undefined },
];

describe.each(modes)('webhooks through the gateway on $mode', ({ real, enabled }) => {
  let platform: Platform;
  let client: AlphintraClient;
  let receiver: WebhookReceiver;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (real && databaseUrl) {
      const created = await createTestDatabase(databaseUrl);
      dbUrl = created.url;
      dropDatabase = created.drop;
    }
    platform = await startPlatform(
      {
        ...testPlatformConfig({ suffix: uniqueSuffix(), databaseUrl: dbUrl }),
        // The receiver listens on 127.0.0.1.
        webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true, pollMs: 20 },
      },
      () => silentLog,
    );
    client = new AlphintraClient({ url: platform.gateway.url });
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    if (!enabled) return;
    await client?.close();
    await platform?.close();
    await receiver?.close();
    await dropDatabase();
  });

  it.runIf(enabled)('delivers exactly the stored signals of a replay, signed, in order per symbol', async () => {
    await expectUserError(
      client.request(RegisterWebhookDocument, { input: { url: 'ftp://127.0.0.1/hook' } }),
      'BAD_USER_INPUT',
      'input.url',
    );
    const { registerWebhook } = await client.request(RegisterWebhookDocument, {
      input: { url: receiver.url, description: 'e2e' },
    });
    receiver.secrets = [registerWebhook.secret];

    // What a backtest over the same trades gives: the signals the platform must store, and the receiver get.
    const expected = await backtestOf(
      platform.database.db,
      await runningStrategySpecs(platform.database.db),
      await candlesOf(TRADES_SLICE),
    );
    expect(expected.length).toBeGreaterThan(10);
    await platform.startReplay();
    const storedSignals = () => readOutbox(platform.database.db, { afterSeq: 0, limit: 100_000 });
    await waitFor('every signal stored', async () => (await storedSignals()).length >= expected.length);
    const stored = await storedSignals();
    expect(stored.map((s) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());
    await waitFor(`${stored.length} accepted deliveries`, () => receiver.accepted.length >= stored.length);

    expect(receiver.requests.every((r) => r.rejected === null)).toBe(true);
    const received = receiver.accepted.map((r) => JSON.parse(r.body) as { signal_id: string; symbol: string });
    expect(new Set(received.map((s) => s.signal_id)).size).toBe(received.length);
    for (const symbol of new Set(stored.map((s) => s.symbol))) {
      expect(received.filter((s) => s.symbol === symbol)).toEqual(
        stored.filter((s) => s.symbol === symbol).map((s) => toStandardSignal(s)),
      );
    }

    // The receiver answers before the dispatcher records the outcome: wait for the last records.
    const delivered = async () =>
      (
        await client.request(WebhookDocument, { id: registerWebhook.webhook.id, first: 100, status: 'DELIVERED' })
      ).webhook?.deliveries.edges.map((e) => e.node) ?? [];
    await waitFor('every delivery recorded', async () => (await delivered()).length >= Math.min(100, stored.length));
    const deliveries = await delivered();
    expect(deliveries.length).toBe(Math.min(100, stored.length));
    expect(deliveries.every((d) => d.attemptCount === 1 && d.attempts[0]?.httpStatus === 204)).toBe(true);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(deliveries.length);
    expect(deliveries.every((d) => receiver.accepted.some((r) => r.id === d.id))).toBe(true);
  });
});
