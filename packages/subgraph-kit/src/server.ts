import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_IDENTITY, IDENTITY_EXTENSION, type Identity, type IdentityVerifier } from '@alphintra/auth';
import type { Db } from '@alphintra/db';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { type DocumentNode, type GraphQLError, type GraphQLFormattedError, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { guardResolvers, type RequestContext } from './access.ts';
import { isUserFacing } from './errors.ts';
import { refuseUnstorableText, unstorableTextError } from './text.ts';
import { coalesceWrites } from './ws-writes.ts';

/** How to run one subgraph. */
export interface SubgraphOptions<TContext extends RequestContext> {
  readonly name: string;
  readonly typeDefs: DocumentNode;
  /** Typed resolvers (codegen), cast here because `@apollo/subgraph` types its map over `unknown` context. */
  readonly resolvers: GraphQLResolverMap<unknown>;
  /** A fresh context per HTTP request or subscription (so DataLoaders are per request), for the caller. */
  readonly context: (identity: Identity) => TContext;
  /**
   * Checks the identity the gateway signed into each operation's extensions; an operation without a valid one is
   * UNAUTHENTICATED. Unset: development mode, every caller is the development admin.
   */
  readonly identity?: IdentityVerifier | undefined;
  /** Where mutations write their audit records (required when the subgraph has mutations). */
  readonly auditDb?: Db | undefined;
  readonly port?: number;
  readonly host?: string;
  readonly plugins?: readonly ApolloServerPlugin<TContext>[];
  /** Where unexpected errors are reported before being masked. */
  readonly onUnexpectedError?: (error: unknown) => void;
}

/** Where a subgraph listens and whom it trusts: what its composition root chooses. */
export interface SubgraphStartOptions {
  readonly port?: number;
  readonly host?: string;
  readonly identity?: IdentityVerifier | undefined;
}

/** A subgraph listening on HTTP (queries, mutations) and graphql-ws (subscriptions) at `/graphql`. */
export interface RunningSubgraph {
  readonly name: string;
  readonly url: string;
  close(): Promise<void>;
}

/** Masks any error that is not user-facing: the client sees a generic message, the detail is reported. */
function maskError(onUnexpected: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isUserFacing(formatted.extensions?.['code'])) return formatted;
    onUnexpected(error);
    return {
      message: 'Unexpected error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * `graphql`'s error class as Node loads it for the libraries (graphql-ws checks `instanceof` on the errors
 * `onSubscribe` returns): a bundler-style loader may give this module the package's other build, whose class differs.
 */
const { GraphQLError: LibraryGraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const UNSIGNED = 'this subgraph answers the gateway only: the operation carries no identity the gateway signed';

/** The caller of an operation, from its `extensions` (see {@link SubgraphOptions.identity}). */
async function identify(verifier: IdentityVerifier | undefined, extensions: unknown): Promise<Identity> {
  if (!verifier) return DEVELOPMENT_IDENTITY;
  const token = (extensions as Record<string, unknown> | null | undefined)?.[IDENTITY_EXTENSION];
  try {
    return await verifier.verify(token);
  } catch {
    throw new LibraryGraphQLError(UNSIGNED, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

/** Starts a federated subgraph (Apollo Server + `@apollo/subgraph`) with graphql-ws subscriptions. */
export async function startSubgraph<TContext extends RequestContext>(
  options: SubgraphOptions<TContext>,
): Promise<RunningSubgraph> {
  const onUnexpected =
    options.onUnexpectedError ?? ((error: unknown) => console.error(`[${options.name}] unexpected error`, error));
  const resolvers = guardResolvers(options.name, options.resolvers, options.auditDb, (error) =>
    onUnexpected(new Error('an audit record could not be written', { cause: error })),
  );
  const schema = buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers });
  const app = express();
  const httpServer: Server = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  coalesceWrites(wsServer);
  const mask = maskError(onUnexpected);
  const wsCleanup = useServer(
    {
      schema,
      // The gateway shares one socket among all its callers: each operation carries its caller's identity.
      onSubscribe: async (_ctx, _id, payload) => {
        try {
          await identify(options.identity, payload.extensions);
          return undefined;
        } catch (error) {
          return [error as GraphQLError];
        }
      },
      context: async (_ctx, _id, payload) => options.context(await identify(options.identity, payload.extensions)),
      // An error result rather than graphql-ws's `error` message: the gateway passes a result's errors on as they
      // are, and the subscription's resolver never runs on the refused input.
      subscribe: (args) => {
        const error = unstorableTextError(args.document, args.variableValues);
        return error === null ? subscribe(args) : { errors: [error] };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return { data: result.data ?? null, errors: result.errors.map((e) => mask(e.toJSON(), e)) };
      },
    },
    wsServer,
  );
  const server = new ApolloServer<TContext>({
    schema,
    formatError: mask,
    // The process that embeds the subgraph owns shutdown; Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Inline traces are for Apollo's hosted reporting, which this platform does not use.
      ApolloServerPluginInlineTraceDisabled(),
      refuseUnstorableText,
      ...(options.plugins ?? []),
    ],
  });
  await server.start();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: options.name });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => options.context(await identify(options.identity, req.body?.extensions)),
    }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      // Subscription sockets first: an upgraded socket that never finishes its close handshake (a gateway
      // that went away) would otherwise hold the HTTP server's shutdown open forever.
      for (const client of wsServer.clients) client.terminate();
      await wsCleanup.dispose();
      await server.stop();
    },
  };
}
