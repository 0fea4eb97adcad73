export { MemoryEventBus, type MemoryEventBusOptions } from './memory.ts';
export { type ClosablePubSub, createMemoryPubSub } from './pubsub.ts';
export {
  type BusConsumer,
  type BusLogger,
  type BusMessage,
  type BusRecord,
  type ConsumeOptions,
  type ConsumerLag,
  DEFAULT_PARTITIONS,
  type EventBus,
  TOPICS,
  type TopicName,
  type TopicSpec,
} from './types.ts';
