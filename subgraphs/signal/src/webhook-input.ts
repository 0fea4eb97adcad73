import type { WebhookFilter } from '@alphintra/db';
import { badInput, forbidden, mayChange } from '@alphintra/subgraph-kit';
import {
  checkWebhookUrl,
  DEFAULT_WEBHOOK_SETTINGS,
  normalizeWebhookFilter,
  WebhookFilterError,
  type WebhookSettings,
  WebhookUrlError,
} from '@alphintra/webhooks';
import type { WebhookFilterInput } from './__generated__/resolvers.ts';
import type { SignalContext, SignalServiceDeps } from './context.ts';

/** The webhook settings in force for this subgraph. */
export function webhookSettings(deps: SignalServiceDeps): WebhookSettings {
  return { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.webhooks };
}

/** Checks a webhook URL (form and every address it resolves to); BAD_USER_INPUT naming `field` when refused. */
export async function checkedUrl(deps: SignalServiceDeps, url: string, field = 'input.url'): Promise<string> {
  const settings = webhookSettings(deps);
  try {
    return (await checkWebhookUrl(url.trim(), { allowPrivate: settings.allowPrivate, resolve: settings.resolve })).url
      .href;
  } catch (error) {
    if (error instanceof WebhookUrlError) throw badInput(field, error.message);
    throw error;
  }
}

/** Checks and normalizes a filter; BAD_USER_INPUT naming `input.filter.<field>` when refused. */
export function checkedFilter(filter: WebhookFilterInput | null | undefined): WebhookFilter {
  try {
    return normalizeWebhookFilter(filter);
  } catch (error) {
    if (error instanceof WebhookFilterError) throw badInput(`input.filter.${error.field}`, error.message);
    throw error;
  }
}

/** Longest description accepted. */
export const MAX_WEBHOOK_DESCRIPTION = 1_000;

/** The webhook when the caller registered it (or is an admin); FORBIDDEN for another user's webhook. */
export function ownWebhook<T extends { readonly id: string; readonly owner: string }>(
  ctx: SignalContext,
  webhook: T | null,
): T | null {
  if (webhook && !mayChange(ctx.identity, webhook.owner)) {
    throw forbidden(`webhook ${webhook.id} belongs to another user`);
  }
  return webhook;
}
