import { jwtVerify, SignJWT } from 'jose';
import { type Identity, isRole } from './identity.ts';

/** The operation extension the gateway puts the signed identity in, for every upstream request. */
export const IDENTITY_EXTENSION = 'identity';

const ISSUER = 'alphintra-gateway';
const ALGORITHM = 'HS256';
/** The shortest secret accepted: HS256 wants at least 256 bits. */
export const MIN_INTERNAL_SECRET_LENGTH = 32;

/** An identity the subgraph cannot trust: unsigned, badly signed, expired, or not an identity at all. */
export class UntrustedIdentityError extends Error {
  constructor(reason: string) {
    super(`untrusted identity: ${reason}`);
    this.name = 'UntrustedIdentityError';
  }
}

function keyOf(secret: string): Uint8Array {
  if (secret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new Error(`the internal identity secret must be at least ${MIN_INTERNAL_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(secret);
}

/**
 * Signs identities for the subgraphs: a short-lived HS256 token (`sub`, `role`, `key`) under a secret only the
 * gateway and the subgraphs know. One token per identity is reused for half its lifetime, so a busy caller costs
 * one signature every `lifetimeSeconds / 2`.
 */
export class IdentitySigner {
  readonly #key: Uint8Array;
  readonly #lifetimeSeconds: number;
  readonly #cache = new Map<string, { token: string; renewAt: number }>();

  constructor(secret: string, lifetimeSeconds = 60) {
    this.#key = keyOf(secret);
    this.#lifetimeSeconds = lifetimeSeconds;
  }

  async sign(identity: Identity): Promise<string> {
    const cacheKey = `${identity.role}\u0000${identity.apiKeyId ?? ''}\u0000${identity.sub}`;
    const now = Date.now();
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.renewAt > now) return cached.token;
    const token = await new SignJWT({ role: identity.role, ...(identity.apiKeyId ? { key: identity.apiKeyId } : {}) })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(ISSUER)
      .setSubject(identity.sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(now / 1000) + this.#lifetimeSeconds)
      .sign(this.#key);
    if (this.#cache.size >= 10_000) this.#cache.clear();
    this.#cache.set(cacheKey, { token, renewAt: now + (this.#lifetimeSeconds * 1000) / 2 });
    return token;
  }
}

/** Verifies the identities the gateway signed; anything else is an {@link UntrustedIdentityError}. */
export class IdentityVerifier {
  readonly #key: Uint8Array;
  readonly #verified = new Map<string, { identity: Identity; expiresAt: number }>();

  constructor(secret: string) {
    this.#key = keyOf(secret);
  }

  async verify(token: unknown): Promise<Identity> {
    if (typeof token !== 'string' || token === '') throw new UntrustedIdentityError('no signed identity');
    const now = Date.now();
    const known = this.#verified.get(token);
    if (known && known.expiresAt > now) return known.identity;
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: [ALGORITHM], issuer: ISSUER }));
    } catch (error) {
      throw new UntrustedIdentityError(error instanceof Error ? error.message : String(error));
    }
    const { sub, role, key, exp } = payload;
    if (typeof sub !== 'string' || !isRole(role) || typeof exp !== 'number') {
      throw new UntrustedIdentityError('the token names no subject or role');
    }
    const identity: Identity = { sub, role, ...(typeof key === 'string' ? { apiKeyId: key } : {}) };
    if (this.#verified.size >= 10_000) this.#verified.clear();
    this.#verified.set(token, { identity, expiresAt: exp * 1000 });
    return identity;
  }
}
