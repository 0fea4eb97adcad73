import type { HostResolver } from './address.ts';

/** How webhooks are delivered (`WEBHOOK_*` environment variables; see README, "Configuration"). */
export interface WebhookSettings {
  /** An attempt without a complete 2xx answer within this is a failure (`WEBHOOK_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  /** Retries stop this long after a delivery's first attempt; the delivery is then DEAD (`WEBHOOK_RETRY_WINDOW_MS`). */
  readonly retryWindowMs: number;
  /** After a rotation the old secret signs beside the new one this long (`WEBHOOK_ROTATION_GRACE_MS`). */
  readonly rotationGraceMs: number;
  /** Attempts in flight per webhook at most (`WEBHOOK_CONCURRENCY`). */
  readonly concurrency: number;
  /** First retry delay cap; doubles per attempt (`WEBHOOK_BACKOFF_MS`). */
  readonly backoffBaseMs: number;
  /** Largest retry delay (`WEBHOOK_BACKOFF_MAX_MS`). */
  readonly backoffMaxMs: number;
  /** Accept URLs that resolve to loopback, link-local, private or unspecified addresses (`WEBHOOK_ALLOW_PRIVATE`). */
  readonly allowPrivate: boolean;
  /** How often the dispatcher looks for due deliveries when nothing woke it (`WEBHOOK_POLL_MS`). */
  readonly pollMs: number;
  /** Host name resolution (default: the system resolver, every address); tests substitute one. */
  readonly resolve?: HostResolver;
}

/** The defaults: 5 s timeout, 24 h retry window and rotation grace, 4 per webhook, 5 s doubling to 1 h. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  timeoutMs: 5_000,
  retryWindowMs: 86_400_000,
  rotationGraceMs: 86_400_000,
  concurrency: 4,
  backoffBaseMs: 5_000,
  backoffMaxMs: 3_600_000,
  allowPrivate: false,
  pollMs: 250,
};
