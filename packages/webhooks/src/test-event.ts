import { randomBytes } from 'node:crypto';
import type { WebhookWithSecrets } from '@alphintra/db';
import { postWebhook, type WebhookAttemptResult } from './send.ts';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './settings.ts';
import { signedHeaders, signingSecrets } from './signing.ts';

/** A test event's attempt: its message id and time, and what came of it. */
export interface WebhookTestAttempt extends WebhookAttemptResult {
  readonly id: string;
  readonly at: Date;
}

/**
 * Sends a signed `webhook.test` event to a webhook now (paused or not) and returns the attempt; nothing is stored
 * or retried. Body: `{"type":"webhook.test","timestamp":...,"data":{"webhook_id":...}}`.
 */
export async function sendTestEvent(
  webhook: WebhookWithSecrets,
  settings: Partial<WebhookSettings> = {},
  now: () => number = Date.now,
): Promise<WebhookTestAttempt> {
  const { timeoutMs, allowPrivate, resolve } = { ...DEFAULT_WEBHOOK_SETTINGS, ...settings };
  const at = now();
  const id = `msg_test_${randomBytes(12).toString('base64url')}`;
  const body = JSON.stringify({
    type: 'webhook.test',
    timestamp: new Date(at).toISOString(),
    data: { webhook_id: webhook.id },
  });
  const result = await postWebhook({
    url: webhook.url,
    body,
    headers: signedHeaders(signingSecrets(webhook, at), id, at, body),
    timeoutMs,
    allowPrivate,
    resolve,
  });
  return { ...result, id, at: new Date(at) };
}
