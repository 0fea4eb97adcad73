import { type EventBus, TOPICS } from '@alphintra/bus';
import { SIGNAL_SCHEMA_VERSION, SIGNALS_CHANNEL, toStandardSignal } from '@alphintra/core';
import type { StoredSignal } from '@alphintra/db';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { DeliveryChannel } from './relay.ts';

/**
 * The subscription pub/sub (in-process or Redis): each signal with its delivery sequence, in order. The publishes of
 * a batch are issued together (Redis pipelines them on its one connection, in order) and awaited together.
 */
export function pubsubChannel(pubsub: PubSubEngine): DeliveryChannel {
  return {
    name: 'pubsub',
    async deliver(signals: readonly StoredSignal[]) {
      await Promise.all(signals.map((signal) => pubsub.publish(SIGNALS_CHANNEL, signal)));
    },
  };
}

/**
 * Kafka `trading.signals`: the standard JSON, key = symbol (so one symbol's signals stay in order on one
 * partition), headers `schema-version`, `signal-id` and `strategy-id`.
 */
export function kafkaChannel(bus: EventBus): DeliveryChannel {
  return {
    name: 'kafka',
    deliver: (signals: readonly StoredSignal[]) =>
      bus.produce(
        TOPICS.signals,
        signals.map((signal) => ({
          key: signal.symbol,
          value: JSON.stringify(toStandardSignal(signal)),
          headers: {
            'schema-version': SIGNAL_SCHEMA_VERSION,
            'signal-id': signal.id,
            'strategy-id': signal.strategyId,
          },
        })),
      ),
  };
}
