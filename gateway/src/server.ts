import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { coalesceWrites } from '@alphintra/subgraph-kit/ws-writes';
import {
  createGatewayRuntime,
  type GatewayPlugin,
  getGraphQLWSOptions,
  type Logger,
} from '@graphql-hive/gateway-runtime';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type GatewayAuthOptions, useAuthentication, useDevelopmentIdentity } from './auth.ts';
import { readSupergraph } from './compose.ts';
import { useBadUserInputCodes } from './errors.ts';
import { renderOfflineGraphiQL, useGraphiQLAssets } from './graphiql.ts';
import { type ReadinessChecks, SUPERGRAPH_READINESS_PATH, useReadiness } from './health.ts';
import { limitPlugins } from './limit-plugins.ts';
import { DEFAULT_LIMITS, type LimitSettings } from './limits.ts';
import { withSubgraphUrls } from './urls.ts';

/** Subgraphs that serve subscriptions; the gateway reaches them over graphql-ws. */
const SUBSCRIPTION_SUBGRAPHS = ['signal', 'market-data'] as const;

export interface GatewayOptions {
  /** Subgraph name -> HTTP URL of its `/graphql`; defaults to the URLs in the supergraph. */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  /** Supergraph SDL; defaults to `schema/supergraph.graphql`. */
  readonly supergraph?: string;
  readonly port?: number;
  readonly host?: string;
  readonly plugins?: GatewayPlugin[];
  /** Authentication; unset: development mode, every caller is the development admin. */
  readonly auth?: GatewayAuthOptions | undefined;
  /** Hive Gateway log level, or a logger of its own (the platform's structured log); `false` silences it. */
  readonly logging?: boolean | 'debug' | 'info' | 'warn' | 'error' | Logger;
  /** What `/readiness` checks besides the gateway itself (database, bus, pub/sub). */
  readonly readiness?: ReadinessChecks;
  /**
   * Depth, alias, token, cost, rate, subscription and body limits; `DEFAULT_LIMITS` when absent. `false` turns them
   * all off, so that a benchmark can tell what they cost; never in a deployment (no setting reaches it).
   */
  readonly limits?: LimitSettings | false;
}

/** The running gateway: GraphQL (+ GraphiQL) and graphql-ws at `/graphql`, `/healthcheck`, `/readiness`. */
export interface RunningGateway {
  readonly url: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

function toWs(url: string): string {
  return url.replace(/^http/, 'ws');
}

/** Starts Hive Gateway on the composed supergraph, with subscriptions over graphql-ws end to end. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const urls = options.subgraphUrls ?? {};
  const limits = options.limits === false ? null : (options.limits ?? DEFAULT_LIMITS);
  const supergraph = withSubgraphUrls(options.supergraph ?? readSupergraph(), urls);
  const transportEntries = Object.fromEntries(
    SUBSCRIPTION_SUBGRAPHS.filter((name) => urls[name] !== undefined).map((name) => [
      name,
      // Apollo Server subgraphs speak no SSE: without `ws` the gateway tries SSE and gets BAD_REQUEST.
      { options: { subscriptions: { kind: 'ws', location: toWs(urls[name] as string) } } },
    ]),
  );
  const gateway = createGatewayRuntime({
    supergraph,
    transportEntries,
    logging: options.logging ?? 'warn',
    graphiql: { title: 'Alphintra Signal Platform' },
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    readinessCheckEndpoint: SUPERGRAPH_READINESS_PATH,
    plugins: () => [
      // Served before authentication: GraphiQL's files and the probes are not GraphQL operations.
      useGraphiQLAssets(),
      useReadiness(options.readiness ?? {}),
      ...(options.auth ? useAuthentication(options.auth) : [useDevelopmentIdentity()]),
      useBadUserInputCodes(),
      // After authentication: per-identity limits key on the identity it sets.
      ...(limits === null ? [] : limitPlugins(limits)),
      ...(options.plugins ?? []),
    ],
  });
  // The schema must be loaded before a WebSocket operation arrives ("Expected null to be a GraphQL schema").
  await gateway.getSchema();

  const httpServer = createServer(gateway);
  // A message over the body limit closes its connection (code 1009) before it is buffered whole.
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: gateway.graphqlEndpoint,
    ...(limits === null ? {} : { maxPayload: limits.maxBodyBytes }),
  });
  coalesceWrites(wsServer);
  const ws = useServer(
    getGraphQLWSOptions<Record<string, unknown>, Extra>(gateway, (ctx) => ({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
    })),
    wsServer,
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${gateway.graphqlEndpoint}`;
  return {
    url,
    wsUrl: toWs(url),
    close: async () => {
      await ws.dispose();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await gateway.dispose();
    },
  };
}
