import type { Role } from './identity.ts';

/**
 * What a root field needs beyond its role: `none` (nothing is owned), `filtered` (lists leave out what the caller
 * may not read), `checked` (naming something the caller may not read or change is FORBIDDEN).
 */
export type Ownership = 'none' | 'filtered' | 'checked';

/** Who may call one root field. */
export interface AccessRule {
  /** The weakest role that may call it. */
  readonly role: Role;
  readonly owned: Ownership;
  /** A mutation's entity type, as its audit records name it. */
  readonly entity?: string;
}

const rule = (role: Role, owned: Ownership = 'none', entity?: string): AccessRule =>
  entity === undefined ? { role, owned } : { role, owned, entity };

/**
 * Every root field of the API and who may call it, keyed `Type.field`. Subgraphs refuse to start with a root
 * resolver this table does not name, they enforce the role before the resolver runs, and a test fails when a field
 * of the composed schema is missing here.
 */
export const ACCESS_RULES: Readonly<Record<string, AccessRule>> = {
  'Query.strategies': rule('viewer', 'filtered'),
  'Query.strategy': rule('viewer', 'checked'),
  'Query.strategyTemplates': rule('viewer'),
  'Query.validateStrategy': rule('viewer'),
  'Query.apiKeys': rule('viewer', 'filtered'),
  'Query.auditLog': rule('admin'),
  'Query.models': rule('viewer', 'filtered'),
  'Query.model': rule('viewer', 'checked'),
  'Query.instruments': rule('viewer'),
  'Query.candles': rule('viewer'),
  'Query.feeds': rule('viewer'),
  'Query.signals': rule('viewer', 'filtered'),
  'Query.signal': rule('viewer', 'checked'),
  'Query.signalStats': rule('viewer', 'filtered'),
  'Query.webhooks': rule('trader', 'filtered'),
  'Query.webhook': rule('trader', 'checked'),
  'Mutation.createStrategy': rule('trader', 'none', 'strategy'),
  'Mutation.updateStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.rollbackStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.archiveStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.activateStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.deactivateStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.promoteStrategy': rule('trader', 'checked', 'strategy'),
  'Mutation.setStrategyVisibility': rule('trader', 'checked', 'strategy'),
  'Mutation.createApiKey': rule('viewer', 'none', 'apiKey'),
  'Mutation.revokeApiKey': rule('viewer', 'checked', 'apiKey'),
  'Mutation.registerModel': rule('trader', 'none', 'model'),
  'Mutation.registerWebhook': rule('trader', 'none', 'webhook'),
  'Mutation.rotateWebhookSecret': rule('trader', 'checked', 'webhook'),
  'Mutation.pauseWebhook': rule('trader', 'checked', 'webhook'),
  'Mutation.resumeWebhook': rule('trader', 'checked', 'webhook'),
  'Mutation.deleteWebhook': rule('trader', 'checked', 'webhook'),
  'Mutation.replayWebhookDelivery': rule('trader', 'checked', 'webhookDelivery'),
  'Mutation.testWebhook': rule('trader', 'checked', 'webhook'),
  'Query.backtest': rule('trader', 'checked'),
  'Query.backtests': rule('trader', 'filtered'),
  'Mutation.runBacktest': rule('trader', 'checked', 'backtest'),
  'Mutation.cancelBacktest': rule('trader', 'checked', 'backtest'),
  'Subscription.signals': rule('viewer', 'filtered'),
  'Subscription.backtestProgress': rule('trader', 'checked'),
  'Subscription.candles': rule('viewer'),
};

/** The rule of a root field; undefined when the table does not name it. */
export function accessRule(type: string, field: string): AccessRule | undefined {
  return ACCESS_RULES[`${type}.${field}`];
}
