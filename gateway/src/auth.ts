import {
  DEVELOPMENT_IDENTITY,
  ExpiringCache,
  IDENTITY_CACHE_ENTRIES,
  IDENTITY_EXTENSION,
  type Identity,
  IdentitySigner,
  isApiKey,
  roleFromClaims,
} from '@alphintra/auth';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  type GetSigningKeyFunction,
  useJWT,
} from '@graphql-mesh/plugin-jwt-auth';
// Yoga's own error factory: its errors pass Yoga's masking whichever copy of `graphql` a loader gave this module.
import type { ExecutionResult, GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

/** How the gateway authenticates callers (see README, "Authentication"). */
export interface GatewayAuthOptions {
  /** HS256 tokens signed with this secret (`AUTH_JWT_SECRET`); give it or `jwksUrl`. */
  readonly jwtSecret?: string | undefined;
  /** RS256 / ES256 tokens signed by a key of this JSON Web Key Set (`AUTH_JWKS_URL`). */
  readonly jwksUrl?: string | undefined;
  /** The `iss` a token must carry, when set (`AUTH_JWT_ISSUER`). */
  readonly issuer?: string | undefined;
  /** The `aud` a token must carry, when set (`AUTH_JWT_AUDIENCE`). */
  readonly audience?: string | undefined;
  /** The claim with the caller's roles (`AUTH_ROLE_CLAIM`, default `roles`); a plain `role` string is read too. */
  readonly roleClaim?: string | undefined;
  /** Looks up an API key on every request (no cache: a revoked key stops at once); null when unknown or ended. */
  readonly verifyApiKey?: ((key: string) => Promise<Identity | null>) | undefined;
  /** Calls `listener` with the id of each API key revoked (in any process), to end its open subscriptions. */
  readonly onApiKeyRevoked?: ((listener: (apiKeyId: string) => void) => void) | undefined;
  /** Signs each upstream operation's identity for the subgraphs (at least 32 characters). */
  readonly internalSecret: string;
}

/** The caller's identity on the gateway's context (`context.identity`); undefined only before authentication. */
export interface IdentityContext {
  identity?: Identity;
}

/** JWKS keys are kept this long, and a token naming an unknown key refetches the set (10 times a minute at most). */
const JWKS_CACHE_MS = 10 * 60_000;
/**
 * The longest a verified token's identity is kept, even when its `exp` is later: no longer than a JWKS key is
 * trusted without asking the provider again.
 */
export const VERIFIED_TOKEN_MAX_AGE_MS = JWKS_CACHE_MS;

/** Until when (ms) a token verified at `now` with these claims is kept: its `exp`, and at most the max age. */
export function keepVerifiedUntil(claims: Readonly<Record<string, unknown>>, now: number): number {
  const exp = claims['exp'];
  const latest = now + VERIFIED_TOKEN_MAX_AGE_MS;
  return typeof exp === 'number' ? Math.min(exp * 1000, latest) : latest;
}

function unauthenticated(message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** The bearer token of an HTTP request (`Authorization`) or a graphql-ws connection (`connectionParams`). */
export function bearerToken(context: {
  readonly request?: Request | undefined;
  readonly connectionParams?: Readonly<Record<string, unknown>> | undefined;
}): string | undefined {
  const params = context.connectionParams;
  const value =
    context.request?.headers.get('authorization') ??
    (params?.['authorization'] as unknown) ??
    (params?.['Authorization'] as unknown);
  if (typeof value !== 'string') return undefined;
  const token = value.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

type Events = AsyncIterable<ExecutionResult>;

/**
 * The open subscriptions of each API key: a revoked key's subscriptions end at once, each with a last
 * UNAUTHENTICATED event.
 */
class KeySubscriptions {
  readonly #open = new Map<string, Set<() => void>>();

  revoke(apiKeyId: string): void {
    for (const end of this.#open.get(apiKeyId) ?? []) end();
  }

  track(apiKeyId: string, events: Events): AsyncIterableIterator<ExecutionResult> {
    const source = events[Symbol.asyncIterator]();
    const ends = this.#open.get(apiKeyId) ?? new Set();
    this.#open.set(apiKeyId, ends);
    let finished = false;
    const finish = () => {
      finished = true;
      ends.delete(revoke);
      if (ends.size === 0) this.#open.delete(apiKeyId);
    };
    let revoke = () => {};
    const revoked = new Promise<IteratorResult<ExecutionResult>>((resolve) => {
      revoke = () => resolve({ done: false, value: { errors: [unauthenticated('the API key was revoked')] } });
    });
    ends.add(revoke);
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        if (finished) return { done: true, value: undefined };
        const { result, byRevocation } = await Promise.race([
          source.next().then((result) => ({ result, byRevocation: false })),
          revoked.then((result) => ({ result, byRevocation: true })),
        ]);
        if (byRevocation) void source.return?.();
        if (byRevocation || result.done) finish();
        return result;
      },
      return: async () => {
        finish();
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/** A JWKS key provider that answers an unknown key id with a key nothing verifies against (so: UNAUTHENTICATED). */
function jwksKeys(jwksUri: string): GetSigningKeyFunction {
  const keys = createRemoteJwksSigningKeyProvider({
    jwksUri,
    cache: true,
    cacheMaxAge: JWKS_CACHE_MS,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
  });
  return async (kid) => {
    try {
      return await keys(kid);
    } catch {
      return 'no-such-key';
    }
  };
}

/**
 * Authentication at the gateway: Hive Gateway's JWT plugin verifies tokens (signature, `exp`, `nbf`, and
 * `iss` / `aud` when set; `alg: none` is never accepted), API keys are looked up, and the caller's identity is put
 * on the context. An operation without a valid token or key is UNAUTHENTICATED, over HTTP and graphql-ws alike.
 * Every upstream operation then carries the identity, signed for the subgraphs, in its `extensions.identity`, so
 * one upstream WebSocket serves every caller.
 */
export function useAuthentication(options: GatewayAuthOptions): GatewayPlugin[] {
  if ((options.jwtSecret === undefined) === (options.jwksUrl === undefined)) {
    throw new Error('authentication needs exactly one of AUTH_JWT_SECRET and AUTH_JWKS_URL');
  }
  const signer = new IdentitySigner(options.internalSecret);
  // A JWT verified once is known by its exact text until its `exp` (or the max age): the JWT plugin is skipped for
  // it. API keys are never kept, so a revocation holds from the next request on.
  const verified = new ExpiringCache<string, Identity>(IDENTITY_CACHE_ENTRIES);
  // What the token lookup found in `verified`, by request (HTTP) or context (graphql-ws), for `identify` to take:
  // read again there, an entry could expire or be evicted in between.
  const known = new WeakMap<object, Identity>();
  const keySubscriptions = new KeySubscriptions();
  options.onApiKeyRevoked?.((apiKeyId) => keySubscriptions.revoke(apiKeyId));
  const roleClaim = options.roleClaim ?? 'roles';
  const jwt = useJWT({
    signingKeyProviders: [
      options.jwtSecret === undefined
        ? jwksKeys(options.jwksUrl as string)
        : createInlineSigningKeyProvider(options.jwtSecret),
    ],
    tokenLookupLocations: [
      ({ request, serverContext }) => {
        const token = bearerToken({ request, connectionParams: serverContext['connectionParams'] as never });
        // API keys are not JWTs: they are looked up below.
        if (token === undefined || isApiKey(token)) return undefined;
        const identity = verified.get(token);
        if (identity === undefined) return { token };
        known.set(request ?? serverContext, identity);
        return undefined;
      },
    ],
    tokenVerification: {
      algorithms: options.jwtSecret === undefined ? ['RS256', 'ES256'] : ['HS256'],
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
    },
    // Refusals are decided below, with one error code for every way a token can be wrong.
    reject: { missingToken: false, invalidToken: false },
    forward: { payload: false, token: false },
  });

  const identify = async (context: Record<string, unknown>): Promise<Identity> => {
    const token = bearerToken(context as Parameters<typeof bearerToken>[0]);
    if (token === undefined) {
      throw unauthenticated('authentication required: send "Authorization: Bearer <token or API key>"');
    }
    if (isApiKey(token)) {
      const identity = await options.verifyApiKey?.(token);
      if (!identity) throw unauthenticated('the API key is unknown, revoked or expired');
      return identity;
    }
    const cached = known.get((context['request'] as Request | undefined) ?? context);
    if (cached !== undefined) return cached;
    const claims = (context['jwt'] as { payload?: Record<string, unknown> } | undefined)?.payload;
    if (!claims) {
      throw unauthenticated(
        'the token is not valid: bad signature, expired, not yet valid, unsigned, or for another issuer or audience',
      );
    }
    const role = roleFromClaims(claims, roleClaim);
    if (typeof claims['sub'] !== 'string' || claims['sub'] === '' || role === undefined) {
      throw unauthenticated(
        `the token must name its subject (sub) and a role (viewer, trader or admin) in ${roleClaim}`,
      );
    }
    const identity: Identity = { sub: claims['sub'], role };
    verified.set(token, identity, keepVerifiedUntil(claims, Date.now()));
    return identity;
  };

  const identity: GatewayPlugin<IdentityContext> = {
    onContextBuilding({ context, extendContext }) {
      return identify(context as unknown as Record<string, unknown>).then((found) =>
        extendContext({ identity: found }),
      );
    },
    onSubscribe({ context }) {
      const apiKeyId = (context as IdentityContext).identity?.apiKeyId;
      if (apiKeyId === undefined) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(keySubscriptions.track(apiKeyId, result));
        },
      };
    },
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const caller = (executionRequest.context as IdentityContext | undefined)?.identity;
      if (caller === undefined) return;
      const carry = (signed: string) =>
        setExecutionRequest({
          ...executionRequest,
          extensions: { ...executionRequest.extensions, [IDENTITY_EXTENSION]: signed },
        });
      // Signed within the last half lifetime: no promise to wait on.
      const signed = signer.signed(caller);
      if (signed !== undefined) return carry(signed);
      return signer.sign(caller).then(carry);
    },
  };
  // The JWT plugin is typed against its own copy of the runtime's types.
  return [jwt as unknown as GatewayPlugin, identity as GatewayPlugin];
}

/** Development mode (no auth settings): every caller is the development admin, and nothing is signed. */
export function useDevelopmentIdentity(): GatewayPlugin<IdentityContext> {
  return {
    onContextBuilding({ extendContext }) {
      extendContext({ identity: DEVELOPMENT_IDENTITY });
    },
  };
}
