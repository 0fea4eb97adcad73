import {
  type Db,
  insertWebhookDeliveries,
  listWebhookTargets,
  type NewWebhookDelivery,
  type StoredSignal,
  strategyAccess,
} from '@alphintra/db';
import { matchesWebhookFilter } from './filter.ts';
import { webhookDeliveryId } from './signing.ts';

/** The outbox channel name of webhooks (its cursor in `delivery_cursors`). */
export const WEBHOOKS_CHANNEL = 'webhooks';

/**
 * The outbox relay's channel for webhooks: each signal becomes one PENDING delivery per webhook whose filter it
 * matches (paused webhooks too: their deliveries wait), due at once. A webhook receives only signals its owner may
 * read when they are queued: an admin's every signal, anyone else's those of their own and of public strategies. The insert skips deliveries that exist, so a
 * batch the relay hands over again changes nothing. Sending is the dispatcher's job, not the relay's: a slow
 * receiver never holds up the outbox.
 */
export function webhookChannel(options: { db: Db; now?: () => number; onQueued?: () => void }) {
  const now = options.now ?? Date.now;
  return {
    name: WEBHOOKS_CHANNEL,
    async deliver(signals: readonly StoredSignal[]): Promise<void> {
      const targets = await listWebhookTargets(options.db);
      if (targets.length === 0) return;
      const dueAt = new Date(now());
      const ids = [...new Set(signals.map((s) => s.strategyId))];
      const access = new Map((await strategyAccess(options.db, ids)).map((a, i) => [ids[i], a]));
      const readable = (signal: StoredSignal, target: (typeof targets)[number]) => {
        if (target.ownerRole === 'admin') return true;
        const strategy = access.get(signal.strategyId);
        return strategy !== undefined && (strategy.owner === target.owner || strategy.visibility === 'PUBLIC');
      };
      const deliveries: NewWebhookDelivery[] = [];
      for (const signal of signals) {
        for (const target of targets) {
          // A webhook receives what was stored after it was registered.
          if (signal.seq <= target.afterSeq || !matchesWebhookFilter(signal, target.filter)) continue;
          if (!readable(signal, target)) continue;
          deliveries.push({
            id: webhookDeliveryId(target.id, signal.id),
            webhookId: target.id,
            signalId: signal.id,
            signalSeq: signal.seq,
            symbol: signal.symbol,
            dueAt,
          });
        }
      }
      if ((await insertWebhookDeliveries(options.db, deliveries)) > 0) options.onQueued?.();
    },
  };
}
