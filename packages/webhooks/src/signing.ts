import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The stable `webhook-id` of one (webhook, signal) delivery: the same on every retry, and derivable by a receiver. */
export function webhookDeliveryId(webhookId: string, signalId: string): string {
  return `msg_${createHash('sha256').update(`${webhookId}:${signalId}`).digest('base64url').slice(0, 27)}`;
}

/** The secrets that sign now: the current one, and the previous one while its rotation grace lasts. */
export function signingSecrets(
  webhook: {
    readonly secret: string;
    readonly previousSecret: string | null;
    readonly previousSecretExpiresAt: Date | null;
  },
  now: number,
): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = webhook;
  return previousSecret !== null && previousSecretExpiresAt !== null && previousSecretExpiresAt.getTime() > now
    ? [secret, previousSecret]
    : [secret];
}

/**
 * The three Standard Webhooks headers of one message: `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature`, one `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per secret, space-separated.
 */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  at: number,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const timestamp = new Date(at);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' '),
  };
}
