import { type Signal, type StrategyDocument, type StrategySpec, signalId } from '@alphintra/core';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * A document that signals BUY on every closed 1m candle, with stops `stopPercent` % away: each candle evaluated
 * leaves exactly one signal, so which version gave it (and its stop) says which version evaluated the candle.
 */
export function everyCandleDocument(stopPercent: number): StrategyDocument {
  return {
    version: 1,
    interval: '1m',
    indicators: {},
    rules: [{ id: 'always', side: 'BUY', when: { gt: [{ field: 'close' }, 0] } }],
    stopLoss: { percent: stopPercent },
    takeProfit: { percent: 2 * stopPercent },
  };
}

/**
 * A well-formed signal of `strategy` for the candle closing at `closeTime`, with its deterministic id: what the
 * engine would hand the distributor, for probing or loading the delivery path without replaying market data.
 */
export function syntheticSignal(
  strategy: Pick<StrategySpec, 'id' | 'name' | 'version' | 'source'>,
  closeTime: number,
  symbol = 'XRPETH',
): Signal {
  return {
    id: signalId(strategy.id, strategy.version, symbol, closeTime),
    timestamp: closeTime,
    strategyId: strategy.id,
    strategyName: strategy.name,
    strategyVersion: strategy.version,
    strategySource: strategy.source,
    symbol,
    action: Math.floor(closeTime / 60_000) % 2 === 0 ? 'BUY' : 'SELL',
    confidence: 0.5,
    quantity: null,
    priceTarget: '0.0015',
    stopLoss: '0.0014',
    takeProfit: '0.0016',
    riskScore: 0.5,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    explanation: { rule: 'synthetic', indicators: [{ name: 'probe', value: 1 }] },
    expiresAt: closeTime + 60_000,
    shadow: false,
    marketDataTimestamp: closeTime - 1,
    latencyMs: null,
  };
}

/**
 * Counts the gateway's entity fetches of `Strategy` from the strategy subgraph (a gateway plugin), keeping the
 * first request: how tests and benchmarks see whether a selection needed the strategy subgraph.
 */
export function strategyEntityFetches() {
  const counter = {
    count: 0,
    first: null as { readonly url: string; readonly body: string } | null,
    plugin: {} as GatewayPlugin,
  };
  counter.plugin = {
    onFetch({ url, options }) {
      const body = typeof options.body === 'string' ? options.body : '';
      if (!body.includes('_entities') || !body.includes('"__typename":"Strategy"')) return;
      counter.count++;
      counter.first ??= { url, body };
    },
  };
  return counter;
}
