import { createLoggerFromLogging, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import useMeshPrometheus from '@graphql-mesh/plugin-prometheus';
import { Gauge, type Registry } from 'prom-client';

/** Where the gateway serves every metric of its registry, in the Prometheus text format. */
export const METRICS_PATH = '/metrics';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** Counts the subscriptions the gateway is serving (each graphql-ws `subscribe` until it ends, either side). */
function useOpenSubscriptions(registry: Registry): GatewayPlugin {
  const open = new Gauge({
    name: 'alphintra_subscriptions_open',
    help: 'GraphQL subscriptions the gateway is serving now',
    registers: [registry],
  });
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          open.inc();
          return { onEnd: () => open.dec() };
        },
      };
    },
  };
}

/**
 * Metrics at {@link METRICS_PATH}: Hive Gateway's Prometheus plugin (request, phase and subgraph durations, errors)
 * over `registry`, which also carries the platform's own metrics, and the open subscriptions. Labels stay bounded:
 * operation names, request URLs and result paths are client-chosen, so they are not labels.
 */
export function gatewayMetricsPlugins(registry: Registry): GatewayPlugin[] {
  return [
    useMeshPrometheus({
      registry,
      endpoint: METRICS_PATH,
      metrics: true,
      labels: { operationName: false, url: false, path: false },
      log: createLoggerFromLogging(false),
    }),
    useOpenSubscriptions(registry),
  ];
}
