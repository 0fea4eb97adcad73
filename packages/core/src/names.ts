import type { Interval } from './market.ts';

/** The platform's Kafka topics (a public contract: see docs/contract.md). */
export const TOPICS = {
  trades: 'market.trades',
  candles: 'market.candles',
  strategyEvents: 'strategy.events',
  signals: 'trading.signals',
  signalOutcomes: 'trading.signal-outcomes',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * The pub/sub channel every signal is published on (read by the signal subgraph's subscription). A message is one
 * signal or, as the outbox relay publishes them, an array of signals in delivery order: read it with
 * `signalsOfMessage`.
 */
export const SIGNALS_CHANNEL = 'signals';

/** The signals of one `SIGNALS_CHANNEL` message, in order: the array, or the single signal. */
export function signalsOfMessage<T>(message: T | readonly T[]): readonly T[] {
  return Array.isArray(message) ? (message as readonly T[]) : [message as T];
}

/** The pub/sub channel a closed candle of one series is published on. */
export function candleChannel(symbol: string, interval: Interval): string {
  return `candles.${symbol}.${interval}`;
}

/**
 * The pub/sub channel a backtest job's progress is published on: a message (`BacktestProgressMessage`) at each page
 * of candles and at its end, read by `Subscription.backtestProgress`.
 */
export function backtestChannel(id: string): string {
  return `backtests.${id}`;
}

/** What `backtestChannel` carries: the job's id and its status then (the subscriber reads the rest from the record). */
export interface BacktestProgressMessage {
  readonly id: string;
  readonly status: string;
  readonly candlesDone: number;
  readonly candlesTotal: number | null;
}
