import { jwtVerify, SignJWT } from 'jose';
import { ExpiringCache } from './expiring-cache.ts';
import { type Identity, isRole } from './identity.ts';

/** The operation extension the gateway puts the signed identity in, for every upstream request. */
export const IDENTITY_EXTENSION = 'identity';

const ISSUER = 'alphintra-gateway';
const ALGORITHM = 'HS256';
/** The shortest secret accepted: HS256 wants at least 256 bits. */
export const MIN_INTERNAL_SECRET_LENGTH = 32;
/** Identities kept signed, and signed tokens kept verified, at most (the least recently used go first). */
export const IDENTITY_CACHE_ENTRIES = 10_000;

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

function identityKey(identity: Identity): string {
  return `${identity.role}\u0000${identity.apiKeyId ?? ''}\u0000${identity.sub}`;
}

/**
 * Signs identities for the subgraphs: a short-lived HS256 token (`sub`, `role`, `key`) under a secret only the
 * gateway and the subgraphs know. One token per identity is reused for half its lifetime, so a busy caller costs
 * one signature every `lifetimeSeconds / 2`, and a token handed out has at least half its lifetime left.
 */
export class IdentitySigner {
  readonly #key: Uint8Array;
  readonly #lifetimeSeconds: number;
  readonly #now: () => number;
  readonly #signed: ExpiringCache<string, string>;

  /** `now` is the clock in ms (tests pass one of their own). */
  constructor(secret: string, lifetimeSeconds = 60, now: () => number = () => Date.now()) {
    this.#key = keyOf(secret);
    this.#lifetimeSeconds = lifetimeSeconds;
    this.#now = now;
    this.#signed = new ExpiringCache(IDENTITY_CACHE_ENTRIES, now);
  }

  /** The token signed for `identity` while it is young enough to hand out, without waiting for anything. */
  signed(identity: Identity): string | undefined {
    return this.#signed.get(identityKey(identity));
  }

  async sign(identity: Identity): Promise<string> {
    const cacheKey = identityKey(identity);
    const cached = this.#signed.get(cacheKey);
    if (cached !== undefined) return cached;
    const now = this.#now();
    const token = await new SignJWT({ role: identity.role, ...(identity.apiKeyId ? { key: identity.apiKeyId } : {}) })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(ISSUER)
      .setSubject(identity.sub)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + this.#lifetimeSeconds)
      .sign(this.#key);
    this.#signed.set(cacheKey, token, now + (this.#lifetimeSeconds * 1000) / 2);
    return token;
  }
}

/**
 * Verifies the identities the gateway signed; anything else is an {@link UntrustedIdentityError}. A token verified
 * once is known by its exact text until its `exp`, so the gateway's reused tokens cost one verification each.
 */
export class IdentityVerifier {
  readonly #key: Uint8Array;
  readonly #now: () => number;
  readonly #verified: ExpiringCache<string, Identity>;

  /** `now` is the clock in ms (tests pass one of their own). */
  constructor(secret: string, now: () => number = () => Date.now()) {
    this.#key = keyOf(secret);
    this.#now = now;
    this.#verified = new ExpiringCache(IDENTITY_CACHE_ENTRIES, now);
  }

  async verify(token: unknown): Promise<Identity> {
    if (typeof token !== 'string' || token === '') throw new UntrustedIdentityError('no signed identity');
    const known = this.#verified.get(token);
    if (known !== undefined) return known;
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      throw new UntrustedIdentityError(error instanceof Error ? error.message : String(error));
    }
    const { sub, role, key, exp } = payload;
    if (typeof sub !== 'string' || !isRole(role) || typeof exp !== 'number') {
      throw new UntrustedIdentityError('the token names no subject or role');
    }
    const identity: Identity = { sub, role, ...(typeof key === 'string' ? { apiKeyId: key } : {}) };
    this.#verified.set(token, identity, exp * 1000);
    return identity;
  }
}
