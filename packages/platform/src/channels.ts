import { type EventBus, TOPICS } from '@alphintra/bus';
import {
  OUTCOME_SCHEMA_VERSION,
  SIGNAL_SCHEMA_VERSION,
  SIGNALS_CHANNEL,
  toStandardOutcome,
  toStandardSignal,
} from '@alphintra/core';
import type { StoredOutcome, StoredSignal } from '@alphintra/db';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { DeliveryChannel } from './relay.ts';

/**
 * The subscription pub/sub (in-process or Redis): each batch as one message, an array of signals with their
 * delivery sequence, in order (`signalsOfMessage` reads it). One message per batch, not per signal: one JSON
 * encoding, one Redis command and one decoding per subscriber process for the whole batch.
 */
export function pubsubChannel(pubsub: PubSubEngine): DeliveryChannel {
  return {
    name: 'pubsub',
    deliver: (signals: readonly StoredSignal[]) => pubsub.publish(SIGNALS_CHANNEL, signals),
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

/**
 * Kafka `trading.signal-outcomes`: each closed outcome in the standard outcome JSON, key = symbol, headers
 * `schema-version`, `signal-id` and `strategy-id`. Read from the outcome outbox (`outcomeOutbox`).
 */
export function kafkaOutcomeChannel(bus: EventBus): DeliveryChannel<StoredOutcome> {
  return {
    name: 'kafka-outcomes',
    deliver: (outcomes: readonly StoredOutcome[]) =>
      bus.produce(
        TOPICS.signalOutcomes,
        outcomes.map((outcome) => ({
          key: outcome.symbol,
          value: JSON.stringify(toStandardOutcome(outcome)),
          headers: {
            'schema-version': OUTCOME_SCHEMA_VERSION,
            'signal-id': outcome.signalId,
            'strategy-id': outcome.strategyId,
          },
        })),
      ),
  };
}
