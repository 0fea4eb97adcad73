import { createHash } from 'node:crypto';
import { DEVELOPMENT_IDENTITY } from '@alphintra/auth';
import { GraphQLError } from 'graphql';

/** What the gateway refuses, per operation, per identity and per connection. */
export interface LimitSettings {
  /** Deepest selection nesting of an operation (`MAX_QUERY_DEPTH`). */
  readonly maxDepth: number;
  /** Aliases in one document (`MAX_QUERY_ALIASES`). */
  readonly maxAliases: number;
  /** Lexical tokens in one document, counted while parsing (`MAX_QUERY_TOKENS`). */
  readonly maxTokens: number;
  /** Largest estimated cost of an operation (`MAX_QUERY_COST`); see `operationCost`. */
  readonly maxCost: number;
  /** Size the cost estimate assumes for a list with no `first`/`last` (`QUERY_COST_LIST_SIZE`). */
  readonly assumedListSize: number;
  /** Operations (queries, mutations, subscriptions) one identity may start per window (`RATE_LIMIT_MAX`). */
  readonly rateLimitMax: number;
  /** The rate limit's window (`RATE_LIMIT_WINDOW_MS`). */
  readonly rateLimitWindowMs: number;
  /** Subscriptions open at once on one connection (`MAX_SUBSCRIPTIONS_PER_CONNECTION`). */
  readonly maxSubscriptionsPerConnection: number;
  /** Subscriptions open at once for one identity, over all its connections (`MAX_SUBSCRIPTIONS_PER_IDENTITY`). */
  readonly maxSubscriptionsPerIdentity: number;
  /** Largest HTTP request body and WebSocket message, in bytes (`MAX_BODY_BYTES`). */
  readonly maxBodyBytes: number;
}

/** The limits when no setting says otherwise: room for every operation of the typed client, none for abuse. */
export const DEFAULT_LIMITS: LimitSettings = {
  maxDepth: 10,
  maxAliases: 20,
  maxTokens: 5_000,
  maxCost: 5_000,
  assumedListSize: 20,
  rateLimitMax: 1_200,
  rateLimitWindowMs: 60_000,
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerIdentity: 300,
  maxBodyBytes: 1_048_576,
};

/** The `extensions.code` of each limit's error. */
export const LIMIT_CODES = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
  rate: 'RATE_LIMITED',
  subscriptions: 'SUBSCRIPTION_LIMIT_EXCEEDED',
  body: 'PAYLOAD_TOO_LARGE',
} as const;

/** A refused operation: `code` says which limit, `http` the status (and headers) an HTTP response gets. */
export function limitError(
  code: (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES],
  message: string,
  http?: { readonly status: number; readonly headers?: Record<string, string> },
): GraphQLError {
  return new GraphQLError(message, { extensions: http === undefined ? { code } : { code, http } });
}

/** What the limits read from the gateway's context; `identity` is set by authentication when it is on. */
export interface LimitContext {
  readonly identity?: { readonly sub: string } | undefined;
  /** The Fetch request (HTTP). */
  readonly request?: { readonly headers: { get(name: string): string | null } } | undefined;
  /** The Node.js request: of the HTTP request, or of a WebSocket's upgrade. */
  readonly req?:
    | { readonly headers?: Record<string, unknown>; readonly socket?: { readonly remoteAddress?: string } }
    | undefined;
  /** graphql-ws `connection_init` payload. */
  readonly connectionParams?: Readonly<Record<string, unknown>> | undefined;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Who a per-identity limit counts against: the authenticated subject; else the hash of the credentials sent (the
 * Authorization header, or `connectionParams.authorization` on graphql-ws); else the client's address.
 */
export function identityKey(context: LimitContext): string {
  // In development mode every caller is the one development identity: told apart by credentials or address instead.
  if (context.identity !== undefined && context.identity !== DEVELOPMENT_IDENTITY) return context.identity.sub;
  const authorization =
    context.request?.headers.get('authorization') ??
    context.req?.headers?.['authorization'] ??
    context.connectionParams?.['authorization'];
  if (typeof authorization === 'string' && authorization !== '') return `credentials:${sha256(authorization)}`;
  return `address:${context.req?.socket?.remoteAddress ?? 'unknown'}`;
}
