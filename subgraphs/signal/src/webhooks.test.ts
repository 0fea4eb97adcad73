import { createMemoryPubSub } from '@alphintra/bus';
import { type Database, openDatabase } from '@alphintra/db';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import { verifyStandardWebhook, WebhookReceiver } from '@alphintra/testkit';
import { systemResolver } from '@alphintra/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignalSubgraph } from './subgraph.ts';

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const REGISTER = `mutation ($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { secret webhook { id url description paused filter { symbols strategyIds actions minConfidence } } }
}`;

describe('webhooks through the signal subgraph', () => {
  let database: Database;
  let strict: RunningSubgraph;
  let open: RunningSubgraph;
  let receiver: WebhookReceiver;
  const pubsub = createMemoryPubSub();

  async function ask(subgraph: RunningSubgraph, query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  }

  beforeAll(async () => {
    database = await openDatabase({});
    // A resolver standing in for DNS for `.test` names (`intranet.test` has a public and a private address); other
    // names (`localhost`) go to the system resolver.
    const resolve = async (host: string) => {
      if (host === 'intranet.test') {
        return [
          { address: '93.184.216.34', family: 4 as const },
          { address: '10.1.2.3', family: 4 as const },
        ];
      }
      return host.endsWith('.test') ? [{ address: '93.184.216.34', family: 4 as const }] : systemResolver(host);
    };
    strict = await startSignalSubgraph(
      { db: database.db, pubsub, webhooks: { allowPrivate: false, resolve } },
      { host: '127.0.0.1' },
    );
    open = await startSignalSubgraph(
      { db: database.db, pubsub, webhooks: { allowPrivate: true, timeoutMs: 2_000 } },
      { host: '127.0.0.1' },
    );
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await receiver?.close();
    await strict?.close();
    await open?.close();
    await database?.close();
  });

  it('refuses bad URLs with BAD_USER_INPUT naming input.url', async () => {
    const cases: [string, RegExp][] = [
      ['ftp://example.com/hook', /http or https/],
      [`https://example.com/${'x'.repeat(2_100)}`, /at most 2048/],
      ['http://127.0.0.1:9/hook', /127\.0\.0\.1, a loopback/],
      ['http://localhost:9/hook', /loopback/],
      ['https://intranet.test/hook', /10\.1\.2\.3/],
      ['http://[fe80::1]/hook', /fe80::1/],
      ['nonsense', /not a URL/],
    ];
    for (const [url, message] of cases) {
      const answer = await ask(strict, REGISTER, { input: { url } });
      expect(answer.errors?.[0]?.extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
      expect(answer.errors?.[0]?.message, url).toMatch(message);
    }
    const badFilter = await ask(open, REGISTER, { input: { url: receiver.url, filter: { minConfidence: 2 } } });
    expect(badFilter.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.filter.minConfidence',
    });
    const publicUrl = await ask(strict, REGISTER, { input: { url: 'https://hooks.example.test/in' } });
    expect(publicUrl.errors).toBeUndefined();
  });

  it('registers, tests, rotates, pauses, resumes and deletes a webhook', async () => {
    const registered = await ask(open, REGISTER, {
      input: { url: receiver.url, description: ' desk ', filter: { symbols: ['xrpeth'], actions: ['BUY'] } },
    });
    const payload = registered.data?.['registerWebhook'] as {
      secret: string;
      webhook: { id: string; url: string; description: string; paused: boolean; filter: unknown };
    };
    expect(payload.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(payload.webhook).toMatchObject({ url: receiver.url, description: 'desk', paused: false });
    expect(payload.webhook.filter).toEqual({
      symbols: ['XRPETH'],
      strategyIds: null,
      actions: ['BUY'],
      minConfidence: null,
    });
    const { id } = payload.webhook;

    receiver.secrets = [payload.secret];
    const tested = await ask(
      open,
      'mutation ($id: ID!) { testWebhook(input: { id: $id }) { id ok httpStatus latencyMs error } }',
      { id },
    );
    expect(tested.data?.['testWebhook']).toMatchObject({ ok: true, httpStatus: 204, error: null });
    const [request] = receiver.requests;
    expect(request?.rejected).toBeNull();
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ type: 'webhook.test', data: { webhook_id: id } });
    expect(request?.id).toBe((tested.data?.['testWebhook'] as { id: string } | undefined)?.id);

    const rotated = await ask(
      open,
      'mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret webhook { id } } }',
      { id },
    );
    const fresh = (rotated.data?.['rotateWebhookSecret'] as { secret: string } | undefined)?.secret ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(payload.secret);
    // Within the grace period the test event carries both signatures: each secret verifies it.
    await ask(open, 'mutation ($id: ID!) { testWebhook(input: { id: $id }) { ok } }', { id });
    const second = receiver.requests[1];
    if (!second) throw new Error('no second request');
    for (const secret of [payload.secret, fresh]) expect(verifyStandardWebhook(secret, second, second.body)).toBeNull();

    const paused = await ask(open, 'mutation ($id: ID!) { pauseWebhook(input: { id: $id }) { webhook { paused } } }', {
      id,
    });
    expect(paused.data?.['pauseWebhook']).toEqual({ webhook: { paused: true } });
    const resumed = await ask(
      open,
      'mutation ($id: ID!) { resumeWebhook(input: { id: $id }) { webhook { paused } } }',
      { id },
    );
    expect(resumed.data?.['resumeWebhook']).toEqual({ webhook: { paused: false } });
    const listed = await ask(open, '{ webhooks { id } }');
    expect(listed.data?.['webhooks']).toContainEqual({ id });
    const one = await ask(
      open,
      'query ($id: ID!) { webhook(id: $id) { id deliveries { edges { node { id } } pageInfo { hasNextPage } } } }',
      { id },
    );
    expect(one.data?.['webhook']).toEqual({ id, deliveries: { edges: [], pageInfo: { hasNextPage: false } } });

    const deleted = await ask(open, 'mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { id } }', { id });
    expect(deleted.data?.['deleteWebhook']).toEqual({ id });
    const again = await ask(open, 'mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { id } }', { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    const gone = await ask(open, 'query ($id: ID!) { webhook(id: $id) { id } }', { id });
    expect(gone.data?.['webhook']).toBeNull();
    const replay = await ask(
      open,
      'mutation { replayWebhookDelivery(input: { deliveryId: "msg_none" }) { delivery { id } } }',
    );
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.deliveryId' });
  });
});
