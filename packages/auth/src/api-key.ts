import { createHash, randomBytes } from 'node:crypto';

/** The pub/sub channel a revocation is announced on (`{ id }`), so every gateway ends the key's subscriptions. */
export const API_KEY_REVOCATIONS_CHANNEL = 'apiKeys.revoked';

/** Every API key starts with this, so the gateway tells a key from a JWT without trying to decode it. */
export const API_KEY_PREFIX = 'alk_';

/** A new API key: 256 random bits, base64url, after the prefix. Shown to its owner once; only its hash is kept. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether a bearer token is meant as an API key (it may still be unknown or revoked). */
export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/**
 * What is stored of a key: its SHA-256, hex. The key is 256 random bits, so a fast hash is enough (nothing to
 * guess from a dictionary), and a lookup costs one indexed read.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
