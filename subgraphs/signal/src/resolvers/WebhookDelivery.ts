import type { WebhookDeliveryResolvers } from '../__generated__/resolvers.ts';

export const WebhookDelivery: WebhookDeliveryResolvers = {
  signal: async (delivery, _args, ctx) => {
    const signal = await ctx.signalLoader.load(delivery.signalId);
    // The foreign key deletes deliveries with their signal, so this only happens mid-deletion.
    if (!signal) throw new Error(`signal ${delivery.signalId} of delivery ${delivery.id} is gone`);
    return signal;
  },
  attempts: (delivery) => [...delivery.attempts],
};
