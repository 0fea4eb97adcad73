import type { Interval } from './market.ts';

/** The platform's Kafka topics (a public contract: see docs/contract.md). */
export const TOPICS = {
  trades: 'market.trades',
  candles: 'market.candles',
  strategyEvents: 'strategy.events',
  signals: 'trading.signals',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The pub/sub channel every signal is published on (read by the signal subgraph's subscription). */
export const SIGNALS_CHANNEL = 'signals';

/** The pub/sub channel a closed candle of one series is published on. */
export function candleChannel(symbol: string, interval: Interval): string {
  return `candles.${symbol}.${interval}`;
}
